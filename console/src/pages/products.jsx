// Producers: their published products (one per source database), each table with who has
// access to it (the Active subscriptions that cover it).
import { Empty, ErrorBox, Loading, useLoad } from '../ui.jsx';
import { fetchAll, matchesAny } from './fetch_all.js';

async function loadProducts(api) {
  const databases = await fetchAll(api, 'catalog/get_databases', {}, 'DatabaseList');
  const products = [];
  const seen = new Set();  // get_data_product takes the source or the mesh database's name
  for (const d of databases) {
    try {
      const answer = await api('producer/get_data_product', { database_name: d.Name, table_name_regex: '.*' });
      const tables = Array.isArray(answer) ? answer : answer.Tables || [];
      const mesh = tables.length ? tables[0].DatabaseName : d.Name;
      if (seen.has(mesh)) continue;
      seen.add(mesh);
      products.push({ source: d.Name, tables });
    } catch (e) {
      if (e.status !== 404) throw e;  // not published
    }
  }
  const subscriptions = await fetchAll(api, 'producer/list_subscriptions', { status: ['Active'] }, 'Subscriptions');
  return { products, subscriptions };
}

function holders(subscriptions, database, table) {
  return subscriptions.filter((s) => s.DatabaseName === database &&
    (!(s.TableName || []).length || matchesAny(table, s.TableName)));
}

export function Products({ api }) {
  const { loading, data, error, reload } = useLoad(() => loadProducts(api), []);
  return (
    <section aria-labelledby="products-title">
      <h1 id="products-title">My products</h1>
      {loading ? <Loading what="your products" /> : error ? <ErrorBox error={error} onRetry={reload} />
        : data.products.length === 0 ? <Empty>You have not published a product yet: see Publish.</Empty>
          : (
            <ul class="cards" aria-label="Products">
              {data.products.map((p) => (
                <li class="card" key={p.source}>
                  <h3>{p.source}</h3>
                  <table class="columns">
                    <caption>Tables and who has access</caption>
                    <thead><tr><th scope="col">Table</th><th scope="col">Mesh database</th><th scope="col">Access</th></tr></thead>
                    <tbody>{p.tables.map((t) => {
                      const who = holders(data.subscriptions, t.DatabaseName, t.TableName);
                      return (
                        <tr key={`${t.DatabaseName}.${t.TableName}`}>
                          <td>{t.TableName}</td><td>{t.DatabaseName}</td>
                          <td>{who.length === 0 ? 'nobody'
                            : who.map((s) => `account ${s.SubscriberPrincipal} (${(s.PermittedGrants || []).join(', ')})`).join('; ')}</td>
                        </tr>
                      );
                    })}</tbody>
                  </table>
                </li>
              ))}
            </ul>
          )}
    </section>
  );
}
