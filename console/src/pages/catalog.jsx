// Consumers: the published products they may request, searchable by database, product, domain
// and table; the tables of a product that publishes public metadata, each with its columns
// (get_published_table); the request form with a live preview of the tables the patterns select.
import { useState } from 'preact/hooks';
import { Dialog, Empty, ErrorBox, Loading, Notice, Paged, PermissionChecks, useAction, useLoad } from '../ui.jsx';
import { fetchAll, matchesAny } from './fetch_all.js';

function RequestForm({ api, product, onClose, onDone }) {
  const [patterns, setPatterns] = useState('');
  const [permissions, setPermissions] = useState(['SELECT']);
  const [token] = useState(() => crypto.randomUUID());
  const action = useAction();
  const list = patterns.split(',').map((p) => p.trim()).filter(Boolean);
  const tables = product.Tables || [];
  const matched = list.length ? tables.filter((t) => matchesAny(t, list)) : tables;
  const submit = (e) => {
    e.preventDefault();
    action.run(async () => {
      const answer = await api('consumer/request_access_to_product', {
        owner_account_id: product.OwnerAccountId, database_name: product.DatabaseName,
        request_permissions: permissions, tables: list.length ? list : undefined,
      }, { token });
      onDone(`Request ${answer.SubscriptionId} sent: the producer decides next.`);
    });
  };
  return (
    <Dialog title={`Request access to ${product.DatabaseName}`} onClose={onClose}>
      <form onSubmit={submit}>
        <label for="req-tables">Tables or patterns (comma-separated; empty for the whole product)</label>
        <input id="req-tables" value={patterns} onInput={(e) => setPatterns(e.currentTarget.value)}
               aria-describedby="req-preview" placeholder="orders, order_.*" />
        <p id="req-preview" class="preview" aria-live="polite">
          {tables.length === 0 ? 'The producer keeps this product\'s tables private; the request covers what it names.'
            : matched.length ? `Matches ${matched.length} of ${tables.length}: ${matched.join(', ')}`
              : 'Matches no table of this product.'}
        </p>
        <PermissionChecks legend="Permissions" value={permissions} onChange={setPermissions} idPrefix="req" />
        <ErrorBox error={action.error} />
        <div class="buttons">
          <button type="submit" disabled={action.busy || !permissions.length || (tables.length > 0 && !matched.length)}>Send request</button>
          <button type="button" class="secondary" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}

function Columns({ api, database, table }) {
  const { loading, data, error, reload } = useLoad(
    () => api('consumer/get_published_table', { database_name: database, table_name: table }), [database, table]);
  if (loading) return <Loading what="columns" />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  const t = data.Table || {};
  // Partition keys are columns too, of the table's storage layout: marked as such, after the
  // others, as Glue lists them.
  const columns = [...((t.StorageDescriptor || {}).Columns || []).map((c) => ({ ...c, kind: '' })),
                   ...(t.PartitionKeys || []).map((c) => ({ ...c, kind: 'partition key' }))];
  return (
    <table class="columns">
      <caption>{table}{t.Description ? ` — ${t.Description}` : ''}</caption>
      <thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Partition</th></tr></thead>
      <tbody>{columns.map((c) => (
        <tr key={c.Name}><td>{c.Name}</td><td>{c.Type}</td><td>{c.kind}</td></tr>))}</tbody>
    </table>
  );
}

function Product({ api, product, onRequest }) {
  const [open, setOpen] = useState('');
  return (
    <li class="card">
      <h3>{product.DataProductName || product.DatabaseName}</h3>
      <dl>
        <dt>Database</dt><dd>{product.DatabaseName}</dd>
        {product.Domain && <><dt>Domain</dt><dd>{product.Domain}</dd></>}
        {product.OwnerAccountId && <><dt>Producer</dt><dd>account {product.OwnerAccountId}</dd></>}
        <dt>Tables</dt>
        <dd>{product.PublicMetadata && product.Tables ? (
          <ul class="inline">{product.Tables.map((t) => (
            <li key={t}><button type="button" class="link" aria-expanded={open === t}
                                onClick={() => setOpen(open === t ? '' : t)}>{t}</button></li>))}</ul>
        ) : 'not public'}</dd>
      </dl>
      {open && <Columns api={api} database={product.DatabaseName} table={open} />}
      {product.OwnerAccountId && (
        <button type="button" onClick={() => onRequest(product)}>Request access</button>
      )}
    </li>
  );
}

export function Catalog({ api }) {
  const [query, setQuery] = useState('');
  const [requesting, setRequesting] = useState(null);
  const [notice, setNotice] = useState('');
  const { loading, data, error, reload } = useLoad(
    () => fetchAll(api, 'consumer/list_data_products', {}, 'DataProducts'), []);
  const q = query.trim().toLowerCase();
  const products = (data || []).filter((p) => !q || [p.DatabaseName, p.DataProductName, p.Domain, ...(p.Tables || [])]
    .some((v) => v && v.toLowerCase().includes(q)));
  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">Catalog</h1>
      <label for="catalog-search">Search by name, domain, product or table</label>
      <input id="catalog-search" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      <Notice>{notice}</Notice>
      {loading ? <Loading what="the catalog" /> : error ? <ErrorBox error={error} onRetry={reload} />
        : products.length === 0 ? <Empty>{q ? 'No product matches this search.' : 'No data product has been published yet.'}</Empty>
          : <Paged items={products} label="Data products"
                   render={(p) => <Product key={p.DatabaseName} api={api} product={p} onRequest={setRequesting} />} />}
      {requesting && <RequestForm api={api} product={requesting} onClose={() => setRequesting(null)}
                                  onDone={(text) => { setRequesting(null); setNotice(text); }} />}
    </section>
  );
}
