// Sign-in with the access key id and secret that `admin create-account` or
// `create-access-key` printed. The secret derives the day's SigV4 signing key in the page and is
// then dropped: it is never stored, sent or put in a URL (docs/SECURITY.md "Web console").
import { useState } from 'preact/hooks';
import { ApiError, call, clockIsOff, clockMessage } from './api.js';
import { deriveSigningKey, amzDate } from './sigv4.js';
import { endOfUtcDay, kMaxMs, saveSession } from './session.js';

async function serverRegion() {
  const response = await fetch('/console/config.json', { cache: 'no-store' });
  if (!response.ok) throw new ApiError({ status: response.status, code: 'Config', message: 'the server did not say its region' });
  return (await response.json()).Region;
}

// What the key's account may do, as the server knows it now (get_caller_identity); `setup`
// names a persona the admin has enabled that the account has not yet opted into.
export async function identify(signing) {
  const who = await call(signing, 'admin/get_caller_identity', {});
  return {
    accountId: who.AccountId, accountName: who.AccountName,
    roles: {
      admin: !!who.IsMeshAdmin,
      producer: !!who.ProducerEnabled && !!who.ProducerInitialized,
      consumer: !!who.ConsumerEnabled && !!who.ConsumerInitialized,
    },
    setup: {
      producer: !!who.ProducerEnabled && !who.ProducerInitialized,
      consumer: !!who.ConsumerEnabled && !who.ConsumerInitialized,
    },
  };
}

// identify(), after opting into each persona the admin has enabled: the account's own step,
// done once, at sign-in or when the roles are checked again later.
export async function setUpAndIdentify(signing) {
  let who = await identify(signing);
  for (const persona of ['producer', 'consumer']) {
    if (who.setup[persona]) {
      await call(signing, `admin/initialize_${persona}_account`, {});
      who = await identify(signing);
    }
  }
  return who;
}

function signInError(e) {
  if (clockIsOff(e)) return clockMessage(e);
  if (e.status === 401) return 'The access key id or the secret is wrong, or the key has been revoked.';
  if (e.status === 429) {
    const wait = e.retryAfter ? `${e.retryAfter} seconds` : 'a minute';
    return `Too many failed sign-ins from this address. Wait ${wait}, then try again.`;
  }
  if (e.status === 0) return 'The server could not be reached. Check that `datamesh serve` is running.';
  return `The server refused the sign-in: ${e.message}`;
}

// Browsers give WebCrypto, which signs every call, only to secure contexts: a page served over
// HTTPS, or from localhost. Elsewhere, say so instead of failing at the first signature.
const kNoWebCrypto = !globalThis.crypto?.subtle;

export function SignIn({ expired, onSignedIn }) {
  const [keyId, setKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (event) => {
    event.preventDefault();
    if (!keyId.trim() || !secret.trim()) {
      setError('Enter both the access key id and the secret access key.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      const now = new Date();
      const date8 = amzDate(now).slice(0, 8);
      const region = await serverRegion();
      const signing = { accessKeyId: keyId.trim(), date8, region,
                        keyHex: await deriveSigningKey(secret.trim(), date8, region) };
      setSecret('');
      const who = await setUpAndIdentify(signing);
      const session = {
        signing, roles: who.roles, accountId: who.accountId, accountName: who.accountName,
        lastActive: now.getTime(),
        expiresAt: Math.min(endOfUtcDay(date8), now.getTime() + kMaxMs),
      };
      saveSession(session);
      onSignedIn(session);
    } catch (e) {
      setError(signInError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin" id="main">
      <h1>datamesh console</h1>
      {expired && <p class="notice" role="status">{expired}</p>}
      {kNoWebCrypto && <p class="error" role="alert">This browser gives the page no WebCrypto to
        sign your calls with: it does so only for pages served over HTTPS or from localhost.
        Open the console over HTTPS (<code>datamesh serve --tls-cert</code>), or at
        http://localhost through an SSH tunnel to the server.</p>}
      <form onSubmit={submit} aria-label="Sign in" autocomplete="off">
        <label for="key-id">Access key id</label>
        <input id="key-id" name="key-id" value={keyId} spellcheck={false}
               autocapitalize="off" onInput={(e) => setKeyId(e.currentTarget.value)} />
        <label for="secret">Secret access key</label>
        <input id="secret" name="secret" type="password" value={secret} autocomplete="off"
               onInput={(e) => setSecret(e.currentTarget.value)} />
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy || kNoWebCrypto}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      <p class="hint">Use the key that <code>datamesh admin create-account</code> or
        <code> create-access-key</code> printed. The secret stays in this tab: it derives
        today's signing key and is then forgotten.</p>
    </main>
  );
}
