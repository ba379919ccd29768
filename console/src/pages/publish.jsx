// Producers: publish tables of a source database as a data product, with a live preview of the
// tables the regular expression selects (catalog get_tables with that expression, as
// create_data_products will select them).
import { useEffect, useState } from 'preact/hooks';
import { Empty, ErrorBox, Loading, Notice, useAction, useLoad } from '../ui.jsx';
import { fetchAll } from './fetch_all.js';

function Preview({ api, database, regex }) {
  const [debounced, setDebounced] = useState(regex);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(regex), 250);
    return () => clearTimeout(timer);
  }, [regex]);
  const { loading, data, error } = useLoad(
    () => fetchAll(api, 'catalog/get_tables', { database_name: database, expression: debounced || '.*' }, 'TableList'),
    [database, debounced]);
  if (loading) return <Loading what="matching tables" />;
  if (error) return <ErrorBox error={error} />;
  return (
    <div id="publish-preview" aria-live="polite">
      <p>{data.length ? `Selects ${data.length} table${data.length === 1 ? '' : 's'}:` : 'Selects no table.'}</p>
      {data.length > 0 && <ul class="inline">{data.map((t) => <li key={t.Name}>{t.Name}</li>)}</ul>}
    </div>
  );
}

export function Publish({ api }) {
  const databases = useLoad(() => fetchAll(api, 'catalog/get_databases', {}, 'DatabaseList'), []);
  const [database, setDatabase] = useState('');
  const [regex, setRegex] = useState('');
  const [domain, setDomain] = useState('');
  const [product, setProduct] = useState('');
  const [publicMetadata, setPublicMetadata] = useState(true);
  const [notice, setNotice] = useState('');
  const [token, setToken] = useState(() => crypto.randomUUID());
  const action = useAction();
  const chosen = database || (databases.data && databases.data[0] && databases.data[0].Name) || '';
  const submit = (e) => {
    e.preventDefault();
    action.run(async () => {
      const answer = await api('producer/create_data_products', {
        source_database_name: chosen, table_name_regex: regex, domain, data_product_name: product,
        create_public_metadata: publicMetadata,
      }, { token });
      setToken(crypto.randomUUID());
      setNotice(`Published ${answer.Tables.length} table(s) as ${answer.DatabaseName}.`);
    });
  };
  return (
    <section aria-labelledby="publish-title">
      <h1 id="publish-title">Publish a data product</h1>
      <Notice>{notice}</Notice>
      {databases.loading ? <Loading what="your databases" />
        : databases.error ? <ErrorBox error={databases.error} onRetry={databases.reload} />
          : databases.data.length === 0 ? <Empty>Your catalog has no database yet: create one with <code>datamesh catalog create-database</code> and add tables.</Empty>
            : (
              <form onSubmit={submit}>
                <label for="pub-db">Source database</label>
                <select id="pub-db" value={chosen} onChange={(e) => setDatabase(e.currentTarget.value)}>
                  {databases.data.map((d) => <option key={d.Name} value={d.Name}>{d.Name}</option>)}
                </select>
                <label for="pub-regex">Tables (full-match regular expression; empty for every table)</label>
                <input id="pub-regex" value={regex} onInput={(e) => setRegex(e.currentTarget.value)}
                       aria-describedby="publish-preview" placeholder="order.*" />
                <Preview api={api} database={chosen} regex={regex} />
                <label for="pub-domain">Domain</label>
                <input id="pub-domain" value={domain} onInput={(e) => setDomain(e.currentTarget.value)} />
                <label for="pub-name">Product name</label>
                <input id="pub-name" value={product} onInput={(e) => setProduct(e.currentTarget.value)} />
                <label for="pub-public" class="check">
                  <input id="pub-public" type="checkbox" checked={publicMetadata}
                         onChange={(e) => setPublicMetadata(e.currentTarget.checked)} />
                  Public metadata (every mesh member may see the tables and their columns)
                </label>
                <ErrorBox error={action.error} />
                <button type="submit" disabled={action.busy || !chosen}>Publish</button>
              </form>
            )}
    </section>
  );
}
