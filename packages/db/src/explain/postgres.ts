import { hasUsableIndex, indexColumns, joinColumns, predicateColumns, suggestIndex } from './predicates.js';
import { quoteTable } from './quote.js';
import { boundedCount, resultRows, TableInfoCache } from './tableInfo.js';
import type { DialectAdvisor, IndexAdvice } from './types.js';

interface PlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  Schema?: string;
  Alias?: string;
  Filter?: string;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
}

function seqScans(node: PlanNode | undefined, out: PlanNode[], depth = 0): PlanNode[] {
  if (!node || depth > 100) return out;
  if (/Seq Scan$/.test(node['Node Type'] ?? '') && node['Relation Name']) out.push(node);
  for (const child of node.Plans ?? []) seqScans(child, out, depth + 1);
  return out;
}

/**
 * knex sends PostgreSQL `$1` placeholders; knex.raw wants `?`. Rewrites them in order of appearance (a `$n`
 * used twice gets its binding twice) and escapes literal `?` (jsonb operators) so knex.raw leaves them.
 */
export function toKnexPlaceholders(
  sql: string,
  bindings: readonly unknown[],
): { sql: string; bindings: unknown[] } | undefined {
  const out: unknown[] = [];
  let bad = false;
  let text = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'") {
      const end = sql.indexOf("'", i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      text += sql.slice(i, stop);
      i = stop;
    } else if (c === '$' && /\d/.test(sql[i + 1] ?? '')) {
      const m = /^\$(\d+)/.exec(sql.slice(i))!;
      const n = Number(m[1]);
      if (n < 1 || n > bindings.length) bad = true;
      out.push(bindings[n - 1]);
      text += '?';
      i += m[0].length;
    } else if (c === '?') {
      text += '\\?';
      i++;
    } else {
      text += c;
      i++;
    }
  }
  return bad ? undefined : { sql: text, bindings: out };
}

/**
 * PostgreSQL: `EXPLAIN (FORMAT JSON)` (arrives parsed). A Seq Scan (or Parallel Seq Scan) with a Filter on its
 * relation's columns, or of a relation the statement joins on its columns (`JOIN t ON ...`), lacks an index
 * when no index of the relation starts with one of those columns, whatever its size (rows: pg_class.reltuples,
 * or a bounded count before the first ANALYZE). The planner rightly prefers a seq scan on small tables even
 * with an index, hence the catalog check rather than trusting the plan alone. Runs in a READ ONLY transaction with SET LOCAL statement_timeout.
 */
export function createPostgresAdvisor(): DialectAdvisor {
  // Per advisor (per knex instance): two databases may have tables of the same name.
  const tables = new TableInfoCache();
  return async (job, db, settings) => {
    const q = toKnexPlaceholders(job.sql, job.bindings);
    if (!q) return [];
    return db.readOnly(async (raw) => {
      await raw(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(settings.timeoutMs))}`);
      const result = resultRows(await raw(`EXPLAIN (FORMAT JSON) ${q.sql}`, q.bindings))[0]?.['QUERY PLAN'];
      const parsed = typeof result === 'string' ? JSON.parse(result) : result;
      const root = (Array.isArray(parsed) ? parsed[0] : parsed)?.Plan as PlanNode | undefined;
      const advice: IndexAdvice[] = [];
      for (const node of seqScans(root, [])) {
        const relation = node['Relation Name']!;
        const table = node.Schema && node.Schema !== 'public' ? `${node.Schema}.${relation}` : relation;
        const regclass = quoteTable(table, '"');
        const known = await tables.columnsOf(table, async () =>
          resultRows(
            await raw(
              'SELECT attname AS c FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped',
              [regclass],
            ),
          ).map((r) => String(r.c)),
        );
        const qualifiers = new Set([relation, table, node.Alias ?? relation]);
        const filter = node.Filter ? predicateColumns(node.Filter, qualifiers, known) : [];
        const columns = indexColumns(job.shape.text, qualifiers, known, filter);
        if (columns.length === 0) continue;
        // The planner rightly scans a small table even when an index exists: that is no missing index.
        const leading = new Set(
          resultRows(
            await raw(
              'SELECT a.attname AS c FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] WHERE i.indrelid = to_regclass(?)',
              [regclass],
            ),
          ).map((r) => String(r.c)),
        );
        if (hasUsableIndex(leading, columns)) continue;
        const stats = resultRows(
          await raw('SELECT reltuples AS n FROM pg_class WHERE oid = to_regclass(?)', [regclass]),
        );
        let rows = Number(stats[0]?.n ?? -1);
        let atLeast = false;
        if (!(rows >= 0) || rows === 0) {
          rows = await boundedCount(raw, regclass, settings.minTableRows);
          atLeast = rows >= settings.minTableRows;
        }
        const joins = joinColumns(job.shape.text, qualifiers, known).filter((c) => columns.includes(c));
        advice.push({
          table,
          columns,
          estimatedRows: Math.round(rows),
          ...(atLeast ? { rowsAtLeast: true } : {}),
          ...(joins.length ? { joinColumns: joins } : {}),
          planStep: `${node['Node Type']} on ${table}${node.Filter ? ` with a Filter on ${filter.map((c) => c.column).join(', ')}` : ''}${joins.length ? `, joined on ${joins.join(', ')}` : ''}`,
          createIndex: suggestIndex(table, columns, '"'),
          source: 'PostgreSQL EXPLAIN (FORMAT JSON)',
        });
      }
      return advice;
    });
  };
}
