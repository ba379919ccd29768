// Producers: pending requests for their products (new ones appear without reload: the list is
// polled), each with an approve dialog (permissions as asked or narrower, grantable per
// permission, notes) and deny with a reason; their Active subscriptions with change and revoke;
// every subscription's timeline.
import { useEffect, useState } from 'preact/hooks';
import { Dialog, Empty, ErrorBox, Loading, Notice, Paged, PermissionChecks, StatusBadge, Timeline, kPermissions, useAction, useLoad } from '../ui.jsx';
import { Grants } from './subscriptions.jsx';
import { fetchAll } from './fetch_all.js';

export const kPollMs = 3000;

// Approve (a Pending request) or change (an Active subscription): the permissions, which of
// them are grantable, and notes.
function GrantDialog({ api, subscription: s, mode, onClose, onDone }) {
  const initial = mode === 'approve' ? s.RequestedGrants || [] : s.PermittedGrants || [];
  const [permissions, setPermissions] = useState(initial);
  const [grantable, setGrantable] = useState(mode === 'approve' ? [] : s.GrantableGrants || []);
  const [notes, setNotes] = useState('');
  const [token] = useState(() => crypto.randomUUID());
  const action = useAction();
  // What the producer may grant: what was asked (ALL: anything) and DESCRIBE, which is always
  // allowed. The server refuses more: a producer grants less than was asked, never more.
  const asked = s.RequestedGrants || [];
  const choices = asked.includes('ALL')
    ? kPermissions
    : kPermissions.filter((p) => asked.includes(p) || p === 'DESCRIBE' || initial.includes(p));
  const submit = (e) => {
    e.preventDefault();
    action.run(async () => {
      const held = grantable.filter((p) => permissions.includes(p));
      if (mode === 'approve') {
        await api('producer/approve_access_request', {
          request_id: s.SubscriptionId, grant_permissions: permissions,
          grantable_permissions: held, decision_notes: notes,
        }, { token });
        onDone(`Request ${s.SubscriptionId} approved with ${permissions.join(', ')}.`);
      } else {
        await api('producer/update_subscription_permissions', {
          subscription_id: s.SubscriptionId, grant_permissions: permissions,
          grantable_permissions: held, notes,
        }, { token });
        onDone(`Subscription ${s.SubscriptionId} now grants ${permissions.join(', ')}.`);
      }
    });
  };
  return (
    <Dialog title={mode === 'approve' ? `Approve request ${s.SubscriptionId}` : `Change subscription ${s.SubscriptionId}`}
            onClose={onClose}>
      <form onSubmit={submit}>
        {mode === 'approve' && <p>Asked: {(s.RequestedGrants || []).join(', ')} on {(s.TableName || []).join(', ') || s.DatabaseName}. You may grant less, never more.</p>}
        <PermissionChecks legend="Grant" value={permissions} onChange={setPermissions} choices={choices} idPrefix="grant" />
        <PermissionChecks legend="Grantable (the consumer may pass it on)" value={grantable}
                          onChange={setGrantable} choices={permissions} idPrefix="grantable" />
        <label for="grant-notes">{mode === 'approve' ? 'Decision notes' : 'Notes'}</label>
        <textarea id="grant-notes" value={notes} onInput={(e) => setNotes(e.currentTarget.value)} />
        <ErrorBox error={action.error} />
        <div class="buttons">
          <button type="submit" disabled={action.busy || !permissions.length}>{mode === 'approve' ? 'Approve' : 'Save permissions'}</button>
          <button type="button" class="secondary" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}

// Deny (Pending) or revoke (Active), with a reason.
function EndForm({ api, subscription: s, onDone }) {
  const [reason, setReason] = useState('');
  const [token] = useState(() => crypto.randomUUID());
  const action = useAction();
  const id = s.SubscriptionId;
  const pending = s.Status === 'Pending';
  return (
    <span class="inline-form">
      <label for={`end-${id}`}>{pending ? 'Reason' : 'Reason (required)'}</label>
      <input id={`end-${id}`} value={reason} required={!pending}
             onInput={(e) => setReason(e.currentTarget.value)} />
      {/* A revocation must say why (delete_subscription's reason); a denial may. */}
      <button type="button" class="danger" disabled={action.busy || (!pending && !reason.trim())}
              onClick={() => action.run(async () => {
                if (pending) {
                  await api('producer/deny_access_request', { request_id: id, decision_notes: reason }, { token });
                } else {
                  await api('producer/delete_subscription', { subscription_id: id, reason }, { token });
                }
                onDone(`${pending ? 'Request' : 'Subscription'} ${id} ${pending ? 'denied' : 'revoked'}.`);
              })}>{pending ? 'Deny' : 'Revoke'}</button>
      <ErrorBox error={action.error} />
    </span>
  );
}

// `onDialog(open)`: the approve or change dialog opened or closed (its list tells the producer
// when the subscription leaves the list while the dialog is open).
function Card({ api, subscription: s, onChanged, onDialog = () => {} }) {
  const [dialog, setDialogState] = useState('');
  const setDialog = (mode) => { setDialogState(mode); onDialog(Boolean(mode)); };
  const [history, setHistory] = useState(false);
  const id = s.SubscriptionId;
  return (
    <li class="card" aria-label={`Subscription ${id}`}>
      <h3>{s.DatabaseName} <StatusBadge status={s.Status} /></h3>
      <p class="id">Subscription {id} · consumer account {s.SubscriberPrincipal}</p>
      <Grants subscription={s} />
      <div class="buttons">
        {s.Status === 'Pending' && <button type="button" onClick={() => setDialog('approve')}>Approve…</button>}
        {s.Status === 'Active' && <button type="button" onClick={() => setDialog('change')}>Change permissions…</button>}
        {(s.Status === 'Pending' || s.Status === 'Active') && <EndForm api={api} subscription={s} onDone={onChanged} />}
        <button type="button" class="secondary" aria-expanded={history} onClick={() => setHistory(!history)}>History</button>
      </div>
      {history && <Timeline api={api} group="producer" subscriptionId={id} />}
      {dialog && <GrantDialog api={api} subscription={s} mode={dialog} onClose={() => setDialog('')}
                              onDone={(t) => { setDialog(''); onChanged(t); }} />}
    </li>
  );
}

function Pending({ api, onChanged, version }) {
  const { loading, data, error, reload } = useLoad(
    () => fetchAll(api, 'producer/list_pending_access_requests', {}, 'Subscriptions'), [version], kPollMs);
  // The request whose approve dialog is open. When the poll no longer lists it (withdrawn by its
  // consumer, or decided in another session) the dialog goes with its card: say why.
  const [deciding, setDeciding] = useState('');
  const [gone, setGone] = useState('');
  useEffect(() => {
    if (deciding && data && !data.some((s) => s.SubscriptionId === deciding)) {
      setGone(`Request ${deciding} is no longer pending: its consumer withdrew it, or it was decided in another session. Nothing was approved.`);
      setDeciding('');
    }
  }, [data, deciding]);
  return (
    <section aria-labelledby="pending-title">
      <h2 id="pending-title">Pending requests {data && <span class="count">({data.length})</span>}</h2>
      <Notice>{gone}</Notice>
      {loading ? <Loading what="pending requests" /> : error ? <ErrorBox error={error} onRetry={reload} />
        : data.length === 0 ? <Empty>No request is waiting for you.</Empty>
          : <Paged items={data} label="Pending requests"
                   render={(s) => <Card key={`${s.SubscriptionId}-${s.Version}`} api={api} subscription={s} onChanged={onChanged}
                                        onDialog={(open) => { setDeciding(open ? s.SubscriptionId : ''); if (open) setGone(''); }} />} />}
    </section>
  );
}

function Active({ api, onChanged, version }) {
  const { loading, data, error, reload } = useLoad(
    () => fetchAll(api, 'producer/list_subscriptions', { status: ['Active'] }, 'Subscriptions'), [version]);
  return (
    <section aria-labelledby="active-title">
      <h2 id="active-title">Active subscriptions</h2>
      {loading ? <Loading what="subscriptions" /> : error ? <ErrorBox error={error} onRetry={reload} />
        : data.length === 0 ? <Empty>No Active subscription to your products.</Empty>
          : <Paged items={data} label="Active subscriptions"
                   render={(s) => <Card key={`${s.SubscriptionId}-${s.Version}`} api={api} subscription={s} onChanged={onChanged} />} />}
    </section>
  );
}

export function Requests({ api }) {
  const [notice, setNotice] = useState('');
  const [version, setVersion] = useState(0);
  const onChanged = (text) => { setNotice(text); setVersion((v) => v + 1); };
  return (
    <div>
      <h1>Requests</h1>
      <Notice>{notice}</Notice>
      <Pending api={api} onChanged={onChanged} version={version} />
      <Active api={api} onChanged={onChanged} version={version} />
    </div>
  );
}
