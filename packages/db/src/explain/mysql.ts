import { aliasesOf, predicateColumns, suggestIndex } from './predicates.js';
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
 * MySQL and MariaDB: `EXPLAIN FORMAT=JSON`. A table with access_type ALL and no key, examining at least
 * minTableRows (MariaDB: `rows`; MySQL: `rows_examined_per_scan`), with an attached_condition on its own
 * columns, lacks an index. MariaDB's layout has no cost_info and names tables by alias, as MySQL's does.
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
        if (t.access_type !== 'ALL' || (t.key !== undefined && t.key !== null) || !t.attached_condition)
          continue;
        const rows = Number(t.rows_examined_per_scan ?? t.rows ?? 0);
        if (!(rows >= settings.minTableRows)) continue;
        const name = t.table_name!;
        const table = aliases.get(name) ?? name;
        const known = await tables.columnsOf(table, async () =>
          resultRows(
            await raw(
              'SELECT column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?',
              [table.split('.').pop()],
            ),
          ).map((r) => String(r.c ?? r.COLUMN_NAME)),
        );
        const cols = predicateColumns(
          t.attached_condition,
          new Set([name, table, table.split('.').pop()!]),
          known,
        );
        if (cols.length === 0) continue;
        const columns = cols.map((c) => c.column);
        advice.push({
          table,
          columns,
          estimatedRows: rows,
          planStep: `access_type ALL (no key) on ${table}, ~${rows} rows examined`,
          createIndex: suggestIndex(table, columns, '`'),
          source: maria ? 'MariaDB EXPLAIN FORMAT=JSON' : 'MySQL EXPLAIN FORMAT=JSON',
        });
      }
      return advice;
    });
  };
}
