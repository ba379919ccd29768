// The signed-in session: the day's derived SigV4 signing key and who it belongs to, never the
// secret (docs/SECURITY.md "Web console"). Kept in sessionStorage, which is scoped to this tab
// and survives a reload but not the tab; never in localStorage, a cookie or a URL.
//
// It ends after kIdleMs without use, at its absolute expiry (the end of the key's UTC day, and
// at most kMaxMs after sign-in), and at sign-out. A revoked key stops working at the next call
// because the server checks the key on every call.
const kStorageKey = 'datamesh.console.session';
export const kIdleMs = 30 * 60 * 1000;
export const kMaxMs = 12 * 60 * 60 * 1000;

export function endOfUtcDay(date8) {
  const y = +date8.slice(0, 4), m = +date8.slice(4, 6), d = +date8.slice(6, 8);
  return Date.UTC(y, m - 1, d + 1);
}

export function saveSession(session) {
  sessionStorage.setItem(kStorageKey, JSON.stringify(session));
}

export function clearSession() {
  sessionStorage.removeItem(kStorageKey);
}

// The stored session, or null. `expired` says why an expired one was dropped.
export function loadSession(now = Date.now()) {
  let session = null;
  try {
    session = JSON.parse(sessionStorage.getItem(kStorageKey) || 'null');
  } catch {
    session = null;
  }
  if (!session) return { session: null };
  const reason = expiryReason(session, now);
  if (reason) {
    clearSession();
    return { session: null, expired: reason };
  }
  return { session };
}

// Why `session` has ended at `now`, or '' when it has not.
export function expiryReason(session, now = Date.now()) {
  if (now - session.lastActive > kIdleMs) return 'idle';
  if (now >= session.expiresAt) return 'absolute';
  return '';
}

export function touchSession(session, now = Date.now()) {
  session.lastActive = now;
  saveSession(session);
}
