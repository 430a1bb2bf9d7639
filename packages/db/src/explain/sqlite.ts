import {
  aliasesOf,
  hasUsableIndex,
  indexColumns,
  joinColumns,
  predicateColumns,
  suggestIndex,
  whereClause,
} from './predicates.js';
import { quoteTable } from './quote.js';
import { boundedCount, resultRows, TableInfoCache } from './tableInfo.js';
import type { DialectAdvisor, IndexAdvice, RawQuery } from './types.js';

// A full scan, of the table or of an index read in full (SQLite says `SCAN t USING COVERING INDEX i` when an
// index holds every column it needs but cannot seek by the filtered or joined column).
const SCAN = /^SCAN (?:TABLE )?([^\s]+)(?: AS ([^\s]+))?(?: USING (?:COVERING )?INDEX [^\s]+)?$/;
const AUTO =
  /^SEARCH (?:TABLE )?([^\s]+)(?: AS ([^\s]+))? USING AUTOMATIC (?:COVERING |PARTIAL )*INDEX \(([^)]*)\)/;

/**
 * SQLite: `EXPLAIN QUERY PLAN` says `SCAN t` (a full scan) or `SEARCH t USING INDEX i (...)`. SQLite without
 * ANALYZE statistics uses any usable index, so a SCAN of a table the WHERE filters on means there is none;
 * `USING AUTOMATIC INDEX (a=?)` means SQLite builds a throwaway index on every execution. The plan has no
 * filter text, so the columns come from the statement's WHERE clause, checked against PRAGMA table_info.
 * EXPLAIN QUERY PLAN never runs the statement, and SQLite has no statement timeout to set.
 */
/** First columns of the table's indexes, and its INTEGER PRIMARY KEY (the rowid, which index_list omits). */
async function leadingColumns(raw: RawQuery, table: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const r of resultRows(
    await raw(
      'SELECT ii.name AS c FROM pragma_index_list(?) il, pragma_index_info(il.name) ii WHERE ii.seqno = 0',
      [table],
    ),
  ))
    out.add(String(r.c));
  for (const r of resultRows(await raw('SELECT name AS c FROM pragma_table_info(?) WHERE pk = 1', [table])))
    out.add(String(r.c));
  return out;
}

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
      const filter = auto
        ? predicateColumns(auto[3]!, qualifiers, known)
        : where
          ? predicateColumns(where, qualifiers, known)
          : [];
      const columns = indexColumns(job.shape.text, qualifiers, known, filter);
      if (columns.length === 0) continue;
      // SQLite uses any usable index without statistics, so a SCAN already says there is none; the catalog is
      // checked too for a driving table scanned in full on purpose (no filter of its own, joined on its key).
      if (hasUsableIndex(await leadingColumns(db.raw, table), columns)) continue;
      const rows = await boundedCount(db.raw, quoteTable(table, '"'), settings.minTableRows);
      const joins = joinColumns(job.shape.text, qualifiers, known).filter((c) => columns.includes(c));
      advice.push({
        table,
        columns,
        estimatedRows: rows,
        rowsAtLeast: rows >= settings.minTableRows,
        ...(joins.length ? { joinColumns: joins } : {}),
        planStep: auto ? `SEARCH ${table} USING AUTOMATIC INDEX` : `SCAN ${table}`,
        createIndex: suggestIndex(table, columns, '"'),
        source: 'SQLite EXPLAIN QUERY PLAN',
      });
    }
    return advice;
  };
}
