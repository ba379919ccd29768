// Consumers: their subscriptions with status, what is asked, granted and grantable, the
// timeline, and the actions their state allows: import (finalize) an Active one, leave an Active
// one, withdraw a Pending one. Ended (Deleted) ones, left, withdrawn or revoked by the producer,
// are shown on request, with the reason in their notes.
import { useState } from 'preact/hooks';
import { Empty, ErrorBox, Loading, Notice, Paged, StatusBadge, Timeline, useAction, useLoad } from '../ui.jsx';
import { fetchAll } from './fetch_all.js';

export function Grants({ subscription: s }) {
  return (
    <dl>
      <dt>Database</dt><dd>{s.DatabaseName}</dd>
      <dt>Tables</dt><dd>{(s.TableName || []).join(', ') || 'the whole product'}</dd>
      <dt>Asked</dt><dd>{(s.RequestedGrants || []).join(', ') || '—'}</dd>
      <dt>Granted</dt><dd>{(s.PermittedGrants || []).join(', ') || '—'}</dd>
      <dt>Grantable</dt><dd>{(s.GrantableGrants || []).join(', ') || '—'}</dd>
      {s.Notes && s.Notes.length > 0 && <><dt>Notes</dt><dd>{s.Notes.join(' · ')}</dd></>}
    </dl>
  );
}

function Subscription({ api, subscription: s, onChanged }) {
  const [history, setHistory] = useState(false);
  const [reason, setReason] = useState('');
  const action = useAction();
  const [tokens] = useState(() => ({ finalize: crypto.randomUUID(), leave: crypto.randomUUID() }));
  const id = s.SubscriptionId;
  return (
    <li class="card" aria-label={`Subscription ${id}`}>
      <h3>{s.DatabaseName} <StatusBadge status={s.Status} />
        {s.Status === 'Active' && !s.ImportedToConsumer && <span class="badge">not imported</span>}</h3>
      <p class="id">Subscription {id} · producer account {s.OwnerPrincipal}</p>
      <Grants subscription={s} />
      <ErrorBox error={action.error} />
      <div class="buttons">
        {s.Status === 'Active' && !s.ImportedToConsumer && (
          <button type="button" disabled={action.busy}
                  onClick={() => action.run(async () => {
                    await api('consumer/finalize_subscription', { subscription_id: id }, { token: tokens.finalize });
                    onChanged(`Subscription ${id} imported: its tables are linked in your catalog.`);
                  })}>Import (finalize)</button>
        )}
        {(s.Status === 'Active' || s.Status === 'Pending') && (
          <span class="inline-form">
            <label for={`reason-${id}`}>Reason (required)</label>
            <input id={`reason-${id}`} value={reason} required
                   onInput={(e) => setReason(e.currentTarget.value)} />
            <button type="button" class="danger" disabled={action.busy || !reason.trim()}
                    onClick={() => action.run(async () => {
                      await api('consumer/delete_subscription', { subscription_id: id, reason }, { token: tokens.leave });
                      onChanged(`Subscription ${id} ended.`);
                    })}>{s.Status === 'Pending' ? 'Withdraw' : 'Leave'}</button>
          </span>
        )}
        <button type="button" class="secondary" aria-expanded={history}
                onClick={() => setHistory(!history)}>History</button>
      </div>
      {history && <Timeline api={api} group="consumer" subscriptionId={id} />}
    </li>
  );
}

const kEveryStatus = ['Pending', 'Active', 'Denied', 'Deleted'];

export function MySubscriptions({ api }) {
  const [notice, setNotice] = useState('');
  const [showEnded, setShowEnded] = useState(false);
  const { loading, data, error, reload } = useLoad(
    () => fetchAll(api, 'consumer/list_product_access', showEnded ? { status: kEveryStatus } : {},
                   'Subscriptions'), [showEnded], 10000);
  return (
    <section aria-labelledby="subs-title">
      <h1 id="subs-title">My subscriptions</h1>
      <label for="subs-ended" class="check">
        <input id="subs-ended" type="checkbox" checked={showEnded}
               onChange={(e) => setShowEnded(e.currentTarget.checked)} />
        Show ended subscriptions (left, withdrawn or revoked)
      </label>
      <Notice>{notice}</Notice>
      {loading ? <Loading what="your subscriptions" /> : error ? <ErrorBox error={error} onRetry={reload} />
        : data.length === 0 ? <Empty>{showEnded ? 'You have no subscription yet: request one from the Catalog.'
          : 'You have no live subscription: request one from the Catalog.'}</Empty>
          : <Paged items={[...data].reverse()} label="Subscriptions"
                   render={(s) => <Subscription key={`${s.SubscriptionId}-${s.Version}`} api={api} subscription={s}
                                                onChanged={(t) => { setNotice(t); reload(); }} />} />}
    </section>
  );
}
