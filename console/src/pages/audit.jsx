// Mesh admins: the audit log, a server page at a time, and verify_audit's verdict on its hash
// chain.
import { useState } from 'preact/hooks';
import { Empty, ErrorBox, Loading, useLoad } from '../ui.jsx';

function Verification({ api }) {
  const { loading, data, error, reload } = useLoad(() => api('admin/verify_audit', {}), []);
  if (loading) return <Loading what="the audit check" />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  return (
    <p class={data.Intact ? 'ok' : 'error'} role="status">
      {data.Intact ? `Audit log intact: ${data.EventsChecked} events checked, none edited, removed or reordered.`
        : `Audit log NOT intact: ${(data.Problems || []).map((p) => `event ${p.Sequence}: ${p.Problem}`).join('; ')}`}
      {' '}<button type="button" class="link" onClick={reload}>Check again</button>
      {data.HeadSequence > 0 && (
        <><br />Head: event {data.HeadSequence}, hash <code class="head-hash">{data.HeadHash}</code>.
          Keep both outside the mesh: <code>datamesh admin verify-audit --recorded-head-sequence
          {' '}{data.HeadSequence} --recorded-head-hash {data.HeadHash}</code> tells later whether
          the log was cut back to before this event.</>
      )}
    </p>
  );
}

// The listing's filters (admin list_audit_events), each a text field: its label and parameter.
const kFilters = [
  ['subscription', 'Only subscription', 'subscription_id'],
  ['action', 'Actions (e.g. deny_access_request, comma-separated)', 'action'],
  ['actor', 'Account that acted', 'actor_account_id'],
  ['since', 'Since (UTC, YYYY-MM-DD[ HH:MM:SS])', 'since'],
  ['until', 'Until (UTC, excluded)', 'until'],
];

export function Audit({ api }) {
  const [tokens, setTokens] = useState(['']);
  const [filters, setFilters] = useState({});
  const current = tokens[tokens.length - 1];
  // action takes a list: several names, separated by commas.
  const request = Object.fromEntries(
    kFilters.filter(([key]) => filters[key]).map(([key, , parameter]) => [
      parameter, key === 'action' ? filters[key].split(',').map((a) => a.trim()).filter(Boolean) : filters[key]]));
  const { loading, data, error, reload } = useLoad(
    () => api('admin/list_audit_events', { ...request, max_results: 20, next_token: current || undefined }),
    [current, JSON.stringify(filters)]);
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <Verification api={api} />
      <div class="inline-form">
        {kFilters.map(([key, label]) => (
          <span key={key}>
            <label for={`audit-${key}`}>{label}</label>
            <input id={`audit-${key}`} value={filters[key] || ''}
                   onChange={(e) => { setFilters({ ...filters, [key]: e.currentTarget.value.trim() }); setTokens(['']); }} />
          </span>
        ))}
      </div>
      {loading ? <Loading what="audit events" /> : error ? <ErrorBox error={error} onRetry={reload} />
        : data.Events.length === 0 ? <Empty>No event.</Empty> : (
          <table class="columns audit">
            <caption>Events, oldest first</caption>
            <thead><tr><th scope="col">#</th><th scope="col">When (UTC)</th><th scope="col">Account</th><th scope="col">Action</th><th scope="col">Resource</th><th scope="col">Notes</th><th scope="col">Details</th></tr></thead>
            <tbody>{data.Events.map((e) => (
              <tr key={e.Sequence}><td>{e.Sequence}</td><td>{e.EventDate}</td><td>{e.ActorAccount}</td>
                <td>{e.Action}</td><td>{e.Resource}{e.SubscriptionId ? ` (${e.SubscriptionId})` : ''}</td><td>{e.Notes}</td>
                <td>{e.Details && Object.keys(e.Details).length > 0 && (
                  <details><summary>show</summary><pre>{JSON.stringify(e.Details, null, 1)}</pre></details>)}</td></tr>))}
            </tbody>
          </table>
        )}
      <nav class="pager" aria-label="Audit pages">
        <button type="button" disabled={tokens.length === 1} onClick={() => setTokens(tokens.slice(0, -1))}>Previous</button>
        <button type="button" disabled={!data || !data.NextToken} onClick={() => setTokens([...tokens, data.NextToken])}>Next</button>
      </nav>
    </section>
  );
}
