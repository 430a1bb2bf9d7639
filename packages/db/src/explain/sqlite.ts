import { aliasesOf, predicateColumns, suggestIndex, whereClause } from './predicates.js';
import { quoteTable } from './quote.js';
import { boundedCount, resultRows, TableInfoCache } from './tableInfo.js';
import type { DialectAdvisor, IndexAdvice } from './types.js';

const SCAN = /^SCAN (?:TABLE )?([^\s]+)(?: AS ([^\s]+))?$/;
const AUTO =
  /^SEARCH (?:TABLE )?([^\s]+)(?: AS ([^\s]+))? USING AUTOMATIC (?:COVERING |PARTIAL )*INDEX \(([^)]*)\)/;

/**
 * SQLite: `EXPLAIN QUERY PLAN` says `SCAN t` (a full scan) or `SEARCH t USING INDEX i (...)`. SQLite without
 * ANALYZE statistics uses any usable index, so a SCAN of a table the WHERE filters on means there is none;
 * `USING AUTOMATIC INDEX (a=?)` means SQLite builds a throwaway index on every execution. The plan has no
 * filter text, so the columns come from the statement's WHERE clause, checked against PRAGMA table_info.
 * EXPLAIN QUERY PLAN never runs the statement, and SQLite has no statement timeout to set.
 */
export function createSqliteAdvisor(): DialectAdvisor {
  // Per advisor (per knex instance): two databases may have tables of the same name.
  const tables = new TableInfoCache();
  return async (job, db, settings) => {
    const plan = resultRows(await db.raw(`EXPLAIN QUERY PLAN ${job.sql}`, job.bindings));
    const aliases = aliasesOf(job.shape.text);
    const where = whereClause(job.shape.text);
    const advice: IndexAdvice[] = [];
    for (const step of plan) {
      const detail = String(step.detail ?? '');
      const scan = SCAN.exec(detail);
      const auto = scan ? undefined : AUTO.exec(detail);
      if (!scan && !auto) continue;
      const m = (scan ?? auto)!;
      const name = m[2] ?? m[1]!;
      const table = aliases.get(name) ?? name;
      if (table.startsWith('sqlite_')) continue;
      const known = await tables.columnsOf(table, async () =>
        resultRows(await db.raw('SELECT name FROM pragma_table_info(?)', [table])).map((r) => String(r.name)),
      );
      const qualifiers = new Set([name, table, m[1]!]);
      const cols = auto
        ? predicateColumns(auto[3]!, qualifiers, known)
        : where
          ? predicateColumns(where, qualifiers, known)
          : [];
      if (cols.length === 0) continue;
      const rows = await boundedCount(db.raw, quoteTable(table, '"'), settings.minTableRows);
      if (rows < settings.minTableRows) continue;
      const columns = cols.map((c) => c.column);
      advice.push({
        table,
        columns,
        estimatedRows: rows,
        planStep: auto ? `SEARCH ${table} USING AUTOMATIC INDEX` : `SCAN ${table}`,
        createIndex: suggestIndex(table, columns, '"'),
        source: 'SQLite EXPLAIN QUERY PLAN',
      });
    }
    return advice;
  };
}
