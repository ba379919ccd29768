// The datamesh web console: sign-in, then the pages of the personas the signed-in account has
// (consumer, producer, mesh admin), chosen by the URL's hash (#/catalog, …) so that every page
// is the one index.html the server sends.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './style.css';
import { ApiError, call } from './api.js';
import { clearSession, expiryReason, loadSession, saveSession, touchSession } from './session.js';
import { SignIn, setUpAndIdentify } from './signin.jsx';
import { ErrorBox, useAction } from './ui.jsx';
import { Catalog } from './pages/catalog.jsx';
import { MySubscriptions } from './pages/subscriptions.jsx';
import { Requests } from './pages/requests.jsx';
import { Publish } from './pages/publish.jsx';
import { Products } from './pages/products.jsx';
import { Accounts } from './pages/accounts.jsx';
import { Access } from './pages/access.jsx';
import { Audit } from './pages/audit.jsx';

const kPages = [
  { path: 'catalog', title: 'Catalog', role: 'consumer', Page: Catalog },
  { path: 'subscriptions', title: 'My subscriptions', role: 'consumer', Page: MySubscriptions },
  { path: 'requests', title: 'Requests', role: 'producer', Page: Requests },
  { path: 'publish', title: 'Publish', role: 'producer', Page: Publish },
  { path: 'products', title: 'My products', role: 'producer', Page: Products },
  { path: 'accounts', title: 'Accounts', role: 'admin', Page: Accounts },
  { path: 'access', title: 'Access', role: 'admin', Page: Access },
  { path: 'audit', title: 'Audit log', role: 'admin', Page: Audit },
];

const kExpired = {
  idle: 'Your session ended after 30 minutes without use. Sign in again.',
  absolute: 'Your session has reached its end (sessions last until the end of the UTC day, at most 12 hours). Sign in again.',
};

// An account without a role yet: a mesh admin may enable it while this page is open.
function NoRole({ onCheck }) {
  const action = useAction();
  return (
    <div>
      <p class="empty">This account has no role in the mesh yet: ask a mesh admin to enable it as a producer or a consumer.</p>
      <ErrorBox error={action.error} />
      <button type="button" disabled={action.busy} onClick={() => action.run(onCheck)}>Check again</button>
    </div>
  );
}

function currentPath() {
  return location.hash.replace(/^#\/?/, '') || '';
}

function App() {
  const [{ session, expired }, setState] = useState(() => loadSession());
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const onHash = () => setPath(currentPath());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  // The roles as the server knows them now: a mesh admin may have enabled (or disabled) the
  // account since the sign-in. The session keeps its key and expiry.
  const checkRoles = async () => {
    const who = await setUpAndIdentify(session.signing);
    if (JSON.stringify(who.roles) === JSON.stringify(session.roles)) return;
    const next = { ...session, roles: who.roles, accountName: who.accountName };
    saveSession(next);
    setState({ session: next });
  };
  // Idle and absolute expiry are checked every 15 s and before every call; a key press or a
  // click is use. The roles are checked again each time the tab is shown.
  useEffect(() => {
    if (!session) return undefined;
    const timer = setInterval(() => {
      const reason = expiryReason(session);
      if (reason) { clearSession(); setState({ session: null, expired: reason }); }
    }, 15000);
    const onUse = () => touchSession(session);
    const onShown = () => { if (!document.hidden && !expiryReason(session)) checkRoles().catch(() => {}); };
    addEventListener('keydown', onUse);
    addEventListener('pointerdown', onUse);
    document.addEventListener('visibilitychange', onShown);
    return () => {
      clearInterval(timer);
      removeEventListener('keydown', onUse);
      removeEventListener('pointerdown', onUse);
      document.removeEventListener('visibilitychange', onShown);
    };
  }, [session]);

  if (!session) {
    return <SignIn expired={expired && kExpired[expired]}
                   onSignedIn={(s) => { setState({ session: s }); }} />;
  }
  const signOut = () => { clearSession(); setState({ session: null }); };
  const api = async (name, request, options) => {
    const reason = expiryReason(session);
    if (reason) {
      clearSession();
      setState({ session: null, expired: reason });
      throw new ApiError({ status: 401, code: 'Expired', message: kExpired[reason] });
    }
    // Only the person's own input counts as use (below): the pages' polls do not keep an
    // unattended session alive.
    return call(session.signing, name, request, options);
  };
  const pages = kPages.filter((p) => session.roles[p.role]);
  const page = pages.find((p) => p.path === path) || pages[0];
  const roles = ['admin', 'producer', 'consumer'].filter((r) => session.roles[r]);
  return (
    <div class="shell">
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <span class="brand">datamesh</span>
        <span class="who" aria-label="Signed in as">
          {session.accountName || session.accountId || session.signing.accessKeyId}
          {roles.length ? ` · ${roles.join(', ')}` : ''}
        </span>
        <button type="button" class="link" onClick={signOut}>Sign out</button>
      </header>
      <nav class="tabs" aria-label="Pages">
        {pages.map((p) => (
          <a key={p.path} href={`#/${p.path}`} aria-current={p === page ? 'page' : undefined}>{p.title}</a>
        ))}
      </nav>
      <main id="main" tabIndex={-1}>
        {page ? <page.Page api={api} session={session} />
              : <NoRole onCheck={checkRoles} />}
      </main>
    </div>
  );
}

const root = document.getElementById('app');
root.textContent = '';  // the boot message
render(<App />, root);
