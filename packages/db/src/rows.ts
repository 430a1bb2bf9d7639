/**
 * Rows a read returned, from knex's processed response; undefined for writes and shapes it cannot read.
 * Raw responses differ per driver: pg gives `{ rows }`, mysql2 `[rows, fields]`, better-sqlite3 the rows.
 */
export function rowsOf(response: unknown, method: string | undefined): number | undefined {
  switch (method) {
    case 'first':
      return response === undefined || response === null ? 0 : 1;
    case 'select':
    case 'pluck':
      return Array.isArray(response) ? response.length : undefined;
    case 'raw': {
      if (Array.isArray(response)) {
        const [first, second] = response as unknown[];
        const mysqlShape = response.length === 2 && (second === undefined || Array.isArray(second));
        if (mysqlShape) return Array.isArray(first) ? first.length : undefined;
        return response.length;
      }
      if (response && typeof response === 'object') {
        const r = response as { rows?: unknown; command?: unknown };
        if (Array.isArray(r.rows) && (r.command === 'SELECT' || r.command === undefined))
          return r.rows.length;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Rows a write touched, when knex reports it (update/del resolve to a count). */
export function affectedRowsOf(response: unknown, method: string | undefined): number | undefined {
  if ((method === 'update' || method === 'del' || method === 'delete') && typeof response === 'number') {
    return response;
  }
  return undefined;
}

/** A few primitive values from the first rows of a result: enough to notice a query feeding the next one. */
export function sampleValues(response: unknown, into: Set<unknown>, maxValues: number): void {
  const rows = Array.isArray(response)
    ? response
    : response && typeof response === 'object'
      ? [response]
      : [];
  for (let i = 0; i < rows.length && i < 20; i++) {
    const row = rows[i] as unknown;
    if (!row || typeof row !== 'object') {
      if (typeof row === 'string' || typeof row === 'number' || typeof row === 'bigint') into.add(row);
      continue;
    }
    for (const v of Object.values(row as Record<string, unknown>)) {
      if (into.size >= maxValues) return;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') into.add(v);
    }
  }
}
