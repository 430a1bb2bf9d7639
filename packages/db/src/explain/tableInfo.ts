import type { RawQuery } from './types.js';

const MAX_TABLES = 500;

/** Per-table facts the advisors look up once: column names and whether the table is large enough. */
export class TableInfoCache {
  private readonly columns = new Map<string, Set<string>>();

  /** Column names of `table`, cached; an empty set when the lookup fails. */
  async columnsOf(table: string, lookup: () => Promise<string[]>): Promise<Set<string>> {
    const hit = this.columns.get(table);
    if (hit) return hit;
    let names: string[] = [];
    try {
      names = await lookup();
    } catch {
      names = [];
    }
    const set = new Set(names);
    if (this.columns.size >= MAX_TABLES) this.columns.clear();
    this.columns.set(table, set);
    return set;
  }
}

/** Rows of a raw result as objects, whatever the driver's shape (pg `{ rows }`, mysql2 `[rows, fields]`). */
export function resultRows(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) {
    if (
      result.length === 2 &&
      Array.isArray(result[0]) &&
      (result[1] === undefined || Array.isArray(result[1]))
    ) {
      return result[0] as Record<string, unknown>[];
    }
    return result as Record<string, unknown>[];
  }
  if (result && typeof result === 'object' && Array.isArray((result as { rows?: unknown }).rows)) {
    return (result as { rows: Record<string, unknown>[] }).rows;
  }
  return [];
}

/** Counts rows up to `limit` only, so checking a huge table's size costs at most `limit` row reads. */
export async function boundedCount(raw: RawQuery, quotedTable: string, limit: number): Promise<number> {
  const rows = resultRows(
    await raw(
      `SELECT count(*) AS n FROM (SELECT 1 AS one FROM ${quotedTable} LIMIT ${Math.floor(limit)}) bounded`,
    ),
  );
  return Number(rows[0]?.n ?? 0);
}
