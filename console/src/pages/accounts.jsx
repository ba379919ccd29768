// Mesh admins: the accounts, enabling them as producers and consumers, creating accounts and
// access keys (the secret is shown once, here, and never again) and revoking keys.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Empty, ErrorBox, Loading, Notice, Paged, useAction, useLoad, when } from '../ui.jsx';

function Secret({ credentials, onDismiss }) {
  // It appears at the top of the page, where a key made for an account further down would be
  // out of sight: brought into view, each time another one replaces it.
  const box = useRef(null);
  useEffect(() => box.current?.scrollIntoView({ block: 'start' }), [credentials.AccessKeyId]);
  return (
    <div class="secret" role="alert" ref={box}>
      <p><strong>Copy this secret now: it is shown only once.</strong></p>
      <dl>
        <dt>Account</dt><dd>{credentials.AccountId}</dd>
        <dt>Access key id</dt><dd><code class="key-id">{credentials.AccessKeyId}</code></dd>
        <dt>Secret access key</dt><dd><code class="key-secret">{credentials.SecretAccessKey}</code></dd>
      </dl>
      <button type="button" onClick={onDismiss}>I have stored it</button>
    </div>
  );
}

// `ownKeyId` is the key this session signs with. The server refuses to revoke the key making
// the call, so that row offers no Revoke but says how.
function Keys({ api, account, onSecret, ownKeyId }) {
  const { loading, data, error, reload } = useLoad(
    () => api('admin/list_access_keys', { account_id: account.AccountId }), [account.AccountId]);
  const action = useAction();
  if (loading) return <Loading what="access keys" />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  const keys = Array.isArray(data) ? data : data.AccessKeys || [];
  return (
    <div>
      <table class="columns">
        <caption>Access keys of {account.AccountName}</caption>
        <thead><tr><th scope="col">Key id</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>{keys.map((k) => (
          <tr key={k.AccessKeyId}>
            <td><code>{k.AccessKeyId}</code>{k.AccessKeyId === ownKeyId && ' (this session)'}</td>
            <td>{k.Status}</td><td>{when(k.CreationDate)}</td>
            <td>{k.Status === 'Active' && (k.AccessKeyId === ownKeyId
              ? 'to revoke it, sign in with another admin key (or rotate it: datamesh admin rotate-access-key)'
              : <button type="button" class="danger" disabled={action.busy}
                        aria-label={`Revoke key ${k.AccessKeyId}`}
                        onClick={() => action.run(async () => {
                          await api('admin/revoke_access_key', { key_id: k.AccessKeyId });
                          reload();
                        })}>Revoke</button>)}</td>
          </tr>))}</tbody>
      </table>
      <ErrorBox error={action.error} />
      <button type="button" disabled={action.busy}
              onClick={() => action.run(async () => {
                onSecret(await api('admin/create_access_key', { account_id: account.AccountId }));
                reload();
              })}>Create access key</button>
    </div>
  );
}

function Account({ api, account: a, onChanged, onSecret, ownKeyId }) {
  const [keys, setKeys] = useState(false);
  const action = useAction();
  const enable = (persona) => action.run(async () => {
    await api(`admin/enable_account_as_${persona}`, { account_id: a.AccountId });
    onChanged(`Account ${a.AccountName} may now act as ${persona}.`);
  });
  return (
    <li class="card" aria-label={`Account ${a.AccountName}`}>
      <h3>{a.AccountName} {a.IsMesh && <span class="badge">mesh admin</span>}</h3>
      <p class="id">Account {a.AccountId} · created {when(a.CreationDate)}</p>
      {!a.IsMesh && (
        <dl>
          <dt>Producer</dt><dd>{a.ProducerEnabled ? (a.ProducerInitialized ? 'yes' : 'enabled, not yet set up') : 'no'}</dd>
          <dt>Consumer</dt><dd>{a.ConsumerEnabled ? (a.ConsumerInitialized ? 'yes' : 'enabled, not yet set up') : 'no'}</dd>
        </dl>
      )}
      <ErrorBox error={action.error} />
      <div class="buttons">
        {!a.IsMesh && !a.ProducerEnabled && <button type="button" disabled={action.busy} onClick={() => enable('producer')}>Enable as producer</button>}
        {!a.IsMesh && !a.ConsumerEnabled && <button type="button" disabled={action.busy} onClick={() => enable('consumer')}>Enable as consumer</button>}
        <button type="button" class="secondary" aria-expanded={keys} onClick={() => setKeys(!keys)}>Access keys</button>
      </div>
      {keys && <Keys api={api} account={a} onSecret={onSecret} ownKeyId={ownKeyId} />}
    </li>
  );
}

export function Accounts({ api, session }) {
  const [notice, setNotice] = useState('');
  const [secret, setSecret] = useState(null);
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [token, setToken] = useState(() => crypto.randomUUID());
  const action = useAction();
  const { loading, data, error, reload } = useLoad(() => api('admin/list_accounts', {}), []);
  const accounts = data ? (Array.isArray(data) ? data : data.Accounts || []) : [];
  const create = (e) => {
    e.preventDefault();
    action.run(async () => {
      const credentials = await api('admin/create_account', { account_name: name, account_id: id }, { token });
      setToken(crypto.randomUUID());
      setSecret(credentials);
      setName('');
      setId('');
      reload();
    });
  };
  return (
    <section aria-labelledby="accounts-title">
      <h1 id="accounts-title">Accounts</h1>
      <Notice>{notice}</Notice>
      {secret && <Secret credentials={secret} onDismiss={() => setSecret(null)} />}
      <form class="inline-form" onSubmit={create} aria-label="Create an account">
        <label for="acct-name">Account name</label>
        <input id="acct-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <label for="acct-id">Account id (12 digits, optional)</label>
        <input id="acct-id" value={id} inputMode="numeric" onInput={(e) => setId(e.currentTarget.value)} />
        <button type="submit" disabled={action.busy || !name.trim()}>Create account</button>
      </form>
      <ErrorBox error={action.error} />
      {loading ? <Loading what="accounts" /> : error ? <ErrorBox error={error} onRetry={reload} />
        : accounts.length === 0 ? <Empty>No account yet.</Empty>
          : <Paged items={accounts} label="Accounts"
                   render={(a) => <Account key={`${a.AccountId}-${a.ProducerEnabled}-${a.ConsumerEnabled}`} api={api} account={a}
                                           ownKeyId={session.signing.accessKeyId}
                                           onSecret={setSecret} onChanged={(t) => { setNotice(t); reload(); }} />} />}
    </section>
  );
}
