// Every item of a paged method: follows NextToken, at most `limit` items.
export async function fetchAll(api, name, request, key, limit = 2000) {
  const items = [];
  let next = '';
  do {
    const page = await api(name, { ...request, max_results: 100, next_token: next || undefined });
    items.push(...(page[key] || []));
    next = page.NextToken || '';
  } while (next && items.length < limit);
  return items;
}

// Whether `name` matches one of `patterns` (table names or full-match regular expressions,
// as request_access_to_product reads them); a pattern that is no valid expression matches by
// name only.
export function matchesAny(name, patterns) {
  return patterns.some((p) => {
    try {
      return new RegExp(`^(?:${p})$`).test(name);
    } catch {
      return p === name;
    }
  });
}
