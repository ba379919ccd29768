// Shared pieces of the console's pages: loading, empty and error states, paged lists,
// permission checkboxes, dialogs and the subscription timeline. Every control has a label a
// screen reader reads; errors are announced (role=alert), progress politely (aria-live).
import { useEffect, useRef, useState, useCallback } from 'preact/hooks';
import { explain, isRetryable } from './api.js';

export const kPermissions = ['SELECT', 'INSERT', 'DELETE', 'DESCRIBE', 'ALTER', 'DROP', 'ALL'];

export function Loading({ what }) {
  return <p class="loading" role="status" aria-live="polite">Loading {what}…</p>;
}

export function Empty({ children }) {
  return <p class="empty">{children}</p>;
}

export function ErrorBox({ error, onRetry }) {
  if (!error) return null;
  const { title, hint, message } = explain(error);
  return (
    <div class="error" role="alert">
      <p><strong>{title}</strong> {hint}</p>
      <p class="detail">{message}</p>
      {onRetry && isRetryable(error) && <button type="button" onClick={onRetry}>Try again</button>}
    </div>
  );
}

export function Notice({ children }) {
  return children ? <p class="notice" role="status" aria-live="polite">{children}</p> : null;
}

// Loads with `load()` (a promise) when `deps` change or `reload()` is called; with
// `pollMs`, again every pollMs while the page is visible.
export function useLoad(load, deps, pollMs = 0) {
  const [state, setState] = useState({ loading: true, data: null, error: null });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: s.data === null, error: null }));
    load().then((data) => live && setState({ loading: false, data, error: null }),
                (error) => live && setState({ loading: false, data: null, error }));
    return () => { live = false; };
  }, [...deps, tick]);
  useEffect(() => {
    if (!pollMs) return undefined;
    const timer = setInterval(() => { if (!document.hidden) reload(); }, pollMs);
    return () => clearInterval(timer);
  }, [pollMs]);
  return { ...state, reload };
}

// A list shown kPageSize items at a time, with previous/next buttons.
export const kPageSize = 10;
export function Paged({ items, label, render }) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / kPageSize));
  const current = Math.min(page, pages - 1);
  const shown = items.slice(current * kPageSize, (current + 1) * kPageSize);
  return (
    <div>
      <ul class="cards" aria-label={label}>{shown.map(render)}</ul>
      {pages > 1 && (
        <nav class="pager" aria-label={`${label}: pages`}>
          <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>Previous</button>
          <span>Page {current + 1} of {pages}</span>
          <button type="button" disabled={current === pages - 1} onClick={() => setPage(current + 1)}>Next</button>
        </nav>
      )}
    </div>
  );
}

export function PermissionChecks({ legend, value, onChange, choices = kPermissions, idPrefix }) {
  const toggle = (p) => onChange(value.includes(p) ? value.filter((x) => x !== p) : [...value, p]);
  return (
    <fieldset class="checks">
      <legend>{legend}</legend>
      {choices.map((p) => (
        <label key={p} for={`${idPrefix}-${p}`}>
          <input type="checkbox" id={`${idPrefix}-${p}`} checked={value.includes(p)}
                 onChange={() => toggle(p)} />
          {p}
        </label>
      ))}
    </fieldset>
  );
}

// A modal dialog: focus moves in on open and back on close; Escape closes it.
export function Dialog({ title, onClose, children }) {
  const ref = useRef(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    const opener = document.activeElement;
    return () => { if (opener && opener.focus) opener.focus(); };
  }, []);
  return (
    <dialog ref={ref} aria-label={title} onCancel={(e) => { e.preventDefault(); onClose(); }}>
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}

// Runs `action` once per click (busy meanwhile), with its error shown in words.
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (action) => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, setError };
}

export function when(date) {
  if (!date) return '';
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? String(date) : d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function StatusBadge({ status }) {
  return <span class={`badge badge-${String(status).toLowerCase()}`}>{status}</span>;
}

const kActions = {
  request_access_to_product: 'requested access',
  approve_access_request: 'approved',
  deny_access_request: 'denied',
  finalize_subscription: 'imported the shared tables',
  update_subscription_permissions: 'changed the permissions',
  delete_subscription: 'ended the subscription',
};

// The subscription's history from the audit log: who did what, when, with notes.
export function Timeline({ api, group, subscriptionId }) {
  const { loading, data, error, reload } = useLoad(
    () => api(`${group}/get_subscription_history`, { subscription_id: subscriptionId }),
    [group, subscriptionId]);
  if (loading) return <Loading what="the history" />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  const events = data.Events || [];
  if (!events.length) return <Empty>No events yet.</Empty>;
  return (
    <ol class="timeline" aria-label="History">
      {events.map((e) => (
        <li key={e.Sequence}>
          <time>{when(e.EventDate)}</time>{' '}
          <span>account {e.ActorAccount} {kActions[e.Action] || e.Action}</span>
          {e.Details && e.Details.PermittedGrants && (
            <span> — {e.Details.PermittedGrants.join(', ')}</span>
          )}
          {e.Notes && <q>{e.Notes}</q>}
        </li>
      ))}
    </ol>
  );
}
