// Mesh admins: who holds what across the mesh (admin list_subscriptions), filtered by product
// and consumer: every producer's Active subscriptions, or every subscription in a status.
import { useState } from 'preact/hooks';
import { Empty, ErrorBox, Loading, Paged, StatusBadge, useLoad, when } from '../ui.jsx';
import { fetchAll } from './fetch_all.js';

const kStatuses = ['Active', 'Pending', 'Denied', 'Deleted'];

function Holding({ subscription: s }) {
  return (
    <li class="card" aria-label={`Subscription ${s.SubscriptionId}`}>
      <h3>{s.DatabaseName} <StatusBadge status={s.Status} /></h3>
      <p class="id">Subscription {s.SubscriptionId} · consumer {s.SubscriberPrincipal} · producer {s.OwnerPrincipal} · changed {when(s.UpdatedDate)}</p>
      <dl>
        <dt>Tables</dt><dd>{(s.TableName || []).join(', ') || 'the whole product'}</dd>
        <dt>Granted</dt><dd>{(s.PermittedGrants || []).join(', ') || '—'}</dd>
        <dt>Grantable</dt><dd>{(s.GrantableGrants || []).join(', ') || '—'}</dd>
        {s.Notes && s.Notes.length > 0 && <><dt>Notes</dt><dd>{s.Notes.join(' · ')}</dd></>}
      </dl>
    </li>
  );
}

export function Access({ api }) {
  const [status, setStatus] = useState('Active');
  const [product, setProduct] = useState('');
  const [consumer, setConsumer] = useState('');
  const { loading, data, error, reload } = useLoad(
    () => fetchAll(api, 'admin/list_subscriptions',
                   { status: [status], database_name: product || undefined,
                     consumer_account_id: consumer || undefined }, 'Subscriptions'),
    [status, product, consumer]);
  return (
    <section aria-labelledby="access-title">
      <h1 id="access-title">Access across the mesh</h1>
      <div class="inline-form">
        <label for="access-status">Status</label>
        <select id="access-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          {kStatuses.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <label for="access-product">Product (mesh database)</label>
        <input id="access-product" value={product}
               onChange={(e) => setProduct(e.currentTarget.value.trim())} />
        <label for="access-consumer">Consumer account</label>
        <input id="access-consumer" value={consumer} inputMode="numeric"
               onChange={(e) => setConsumer(e.currentTarget.value.trim())} />
      </div>
      {/* A product name being typed names no product until it is whole: no subscription, not
          an error. */}
      {loading ? <Loading what="subscriptions" />
        : error && product && error.code === 'NotFound'
          ? <Empty>No product is published as mesh database {product}.</Empty>
        : error ? <ErrorBox error={error} onRetry={reload} />
        : data.length === 0 ? <Empty>No {status} subscription matches.</Empty>
          : <Paged items={data} label="Subscriptions"
                   render={(s) => <Holding key={`${s.SubscriptionId}-${s.Version}`} subscription={s} />} />}
    </section>
  );
}
