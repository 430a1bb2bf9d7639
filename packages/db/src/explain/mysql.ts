import {
  aliasesOf,
  hasUsableIndex,
  indexColumns,
  joinColumns,
  predicateColumns,
  suggestIndex,
} from './predicates.js';
import { resultRows, TableInfoCache } from './tableInfo.js';
import type { DialectAdvisor, IndexAdvice } from './types.js';

interface PlanTable {
  table_name?: string;
  access_type?: string;
  key?: string | null;
  rows?: number | string;
  rows_examined_per_scan?: number | string;
  attached_condition?: string;
}

const FULL_SCANS = new Set(['ALL', 'index', 'hash_ALL', 'hash_index']);

/** Every `table` node of MySQL's or MariaDB's JSON plan (nested_loop, block-nl-join, subqueries ...). */
function planTables(node: unknown, out: PlanTable[], depth = 0): PlanTable[] {
  if (depth > 50 || !node || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    for (const n of node) planTables(n, out, depth + 1);
    return out;
  }
  const obj = node as Record<string, unknown>;
  if (typeof obj.table_name === 'string' && typeof obj.access_type === 'string') out.push(obj as PlanTable);
  for (const v of Object.values(obj)) if (v && typeof v === 'object') planTables(v, out, depth + 1);
  return out;
}

/** Parses the one-column JSON text both servers return (MariaDB: column EXPLAIN; MySQL the same). */
function parsePlan(result: unknown): unknown {
  const row = resultRows(result)[0];
  if (!row) return undefined;
  const text = row.EXPLAIN ?? Object.values(row)[0];
  return typeof text === 'string' ? JSON.parse(text) : text;
}

/**
 * MySQL and MariaDB: `EXPLAIN FORMAT=JSON`. A table read in full (access_type ALL, or index: a whole index), filtered on its own
 * columns (attached_condition) or joined on them (`JOIN t ON ...`), with no index starting with one of those
 * columns, lacks an index, whatever its size (rows examined: MariaDB `rows`, MySQL `rows_examined_per_scan`). MariaDB's layout has no cost_info and names tables by alias, as MySQL's does.
 * Runs in a READ ONLY transaction with a statement timeout (MariaDB: SET STATEMENT max_statement_time;
 * MySQL: the MAX_EXECUTION_TIME optimizer hint).
 */
export function createMysqlAdvisor(): DialectAdvisor {
  // Per advisor (per knex instance): two databases may have tables of the same name.
  const tables = new TableInfoCache();
  let maria: boolean | undefined;
  return async (job, db, settings) => {
    return db.readOnly(async (raw) => {
      if (maria === undefined) {
        const v = String(resultRows(await raw('SELECT VERSION() AS v'))[0]?.v ?? '');
        maria = /mariadb/i.test(v);
      }
      const seconds = Math.max(0.001, settings.timeoutMs / 1000);
      const sql = maria
        ? `SET STATEMENT max_statement_time=${seconds} FOR EXPLAIN FORMAT=JSON ${job.sql}`
        : `EXPLAIN FORMAT=JSON ${job.sql.replace(/^\s*select\b/i, `SELECT /*+ MAX_EXECUTION_TIME(${Math.round(settings.timeoutMs)}) */`)}`;
      const plan = parsePlan(await raw(sql, job.bindings));
      const aliases = aliasesOf(job.shape.text);
      const advice: IndexAdvice[] = [];
      for (const t of planTables(plan, [])) {
        // A full read: ALL (the table), index (a whole index, when it covers the columns but cannot seek by the
        // filtered or joined one), or MariaDB's hash join building from either.
        if (!FULL_SCANS.has(String(t.access_type))) continue;
        const rows = Number(t.rows_examined_per_scan ?? t.rows ?? 0);
        const name = t.table_name!;
        const table = aliases.get(name) ?? name;
        const bare = table.split('.').pop()!;
        const known = await tables.columnsOf(table, async () =>
          resultRows(
            await raw(
              'SELECT column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?',
              [bare],
            ),
          ).map((r) => String(r.c ?? r.COLUMN_NAME)),
        );
        const qualifiers = new Set([name, table, bare]);
        // A joined table under a block-nested-loop join carries its ON condition on the join node, not its own.
        const filter = t.attached_condition ? predicateColumns(t.attached_condition, qualifiers, known) : [];
        const columns = indexColumns(job.shape.text, qualifiers, known, filter);
        if (columns.length === 0) continue;
        // On a small table the optimizer may scan although an index exists: that is no missing index.
        const leading = new Set(
          resultRows(
            await raw(
              'SELECT column_name AS c FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND seq_in_index = 1',
              [bare],
            ),
          ).map((r) => String(r.c ?? r.COLUMN_NAME)),
        );
        if (hasUsableIndex(leading, columns)) continue;
        const joins = joinColumns(job.shape.text, qualifiers, known).filter((c) => columns.includes(c));
        advice.push({
          table,
          columns,
          estimatedRows: rows,
          ...(joins.length ? { joinColumns: joins } : {}),
          planStep: `access_type ${t.access_type} (${t.key && !String(t.key).startsWith('#hash#') ? `all of index ${t.key}` : 'no key'}) on ${table}, ~${rows} rows examined`,
          createIndex: suggestIndex(table, columns, '`'),
          source: maria ? 'MariaDB EXPLAIN FORMAT=JSON' : 'MySQL EXPLAIN FORMAT=JSON',
        });
      }
      return advice;
    });
  };
}
