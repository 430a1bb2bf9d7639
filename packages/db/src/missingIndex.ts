import type { Audit } from '@perf/core';
import { appFrames } from './callSite.js';
import type { IndexAdvice } from './explain/types.js';
import type { SqlShape } from './fingerprint.js';
import type { RouteBook } from './routeBook.js';

/** One index advice and what it is known to cost: the statements it would serve, where they ran, from where. */
interface Entry {
  advice: IndexAdvice;
  /** The statement the advice came from first (its text is the sample). */
  shape: SqlShape;
  fingerprints: string[];
  frames: string[];
}

const MAX_ENTRIES = 500;
const MAX_FINGERPRINTS = 20;
const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * 'db.missing-index': a statement whose plan scans a table through a WHERE or JOIN column no index starts
 * with. Reported whatever the table's size: 'info' under minTableRows (a developer's database is small; the
 * scan grows with the table), 'warning' from it on, 'critical' from 100,000 rows. One finding per table and
 * columns (statements needing the same index merge); its routes, call site and share of query time are
 * refreshed from the route book whenever the audit reports.
 */
export class MissingIndexFindings {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly audit: Audit,
    private readonly system: string,
    private readonly minTableRows: number,
    private readonly book: RouteBook,
  ) {}

  /** One advice from EXPLAIN of `shape`, built at `site`. */
  add(shape: SqlShape, advice: IndexAdvice, site: Error | undefined): void {
    const key = `${advice.table}(${advice.columns.join(', ')})`;
    let e = this.entries.get(key);
    if (!e) {
      e = { advice, shape, fingerprints: [], frames: [] };
      // Past the cap the advice is still reported, just not refreshed later.
      if (this.entries.size < MAX_ENTRIES) this.entries.set(key, e);
    }
    if (!e.fingerprints.includes(shape.fingerprint) && e.fingerprints.length < MAX_FINGERPRINTS)
      e.fingerprints.push(shape.fingerprint);
    if (e.frames.length === 0) e.frames = appFrames(site);
    this.emit(key, e, 1);
  }

  /** Re-states every finding with the routes and times known now (no new occurrence). */
  refresh(): void {
    for (const [key, e] of this.entries) this.emit(key, e, 0);
  }

  private emit(key: string, e: Entry, count: number): void {
    const { advice, shape, frames } = e;
    const rows = advice.estimatedRows;
    const routes: string[] = [];
    let ms = 0;
    let executions = 0;
    for (const fp of e.fingerprints) {
      const seen = this.book.get(fp);
      if (!seen) continue;
      ms += seen.ms;
      executions += seen.count;
      for (const r of seen.routes) if (!routes.includes(r) && routes.length < 10) routes.push(r);
    }
    const total = this.book.totalMs;
    const small = rows !== undefined && rows < this.minTableRows && !advice.rowsAtLeast;
    const rowsText = rows === undefined ? '' : advice.rowsAtLeast ? `at least ${rows}` : `${rows}`;
    const scan = rows === undefined ? 'full scan' : `full scan of ${rowsText} rows`;
    const where = routes.length
      ? ` in ${routes.slice(0, 2).join(', ')}${routes.length > 2 ? ` and ${routes.length - 2} more` : ''}`
      : '';
    const site = frames[0] ? (/\(([^()]+)\)\s*$/.exec(frames[0])?.[1] ?? frames[0]) : undefined;
    const cols = advice.columns.join(', ');
    const joins = advice.joinColumns ?? [];
    this.audit.finding({
      rule: 'db.missing-index',
      key,
      count,
      area: 'database',
      severity: small ? 'info' : rows !== undefined && rows >= 100_000 ? 'critical' : 'warning',
      title:
        `Missing index on ${advice.table}(${cols})${where}: ${scan}` +
        (small ? '; it grows with the table' : '') +
        (site ? `, from ${site}` : ''),
      message:
        `The plan for \`${shape.text.slice(0, 300)}\` reads ${advice.table} in full (${advice.planStep}) to ` +
        (joins.length
          ? `${joins.length < advice.columns.length ? 'filter and ' : ''}join on ${cols}`
          : `filter on ${cols}`) +
        (routes.length ? `; it ran under ${routes.join(', ')}` : '') +
        (frames[0] ? `, called from ${frames[0]}` : '') +
        '. ' +
        (small
          ? `Today the table has ${rowsText} rows (under ${this.minTableRows}), so the scan is cheap; it grows with the table, not with the rows returned.`
          : 'The cost grows with the table, not with the rows returned.'),
      evidence: {
        samples: [shape.text.slice(0, 4096)],
        ...(frames.length ? { stack: frames } : {}),
        attributes: {
          'db.system.name': this.system,
          'db.collection.name': advice.table,
          'db.query.fingerprint': shape.fingerprint,
          ...(routes.length === 1 ? { 'http.route': routes[0]! } : {}),
        },
        details: {
          table: advice.table,
          columns: advice.columns,
          joinColumns: joins,
          createIndex: advice.createIndex,
          planStep: advice.planStep,
          estimatedRows: rows ?? null,
          rowsExamined: rows ?? null,
          rowsAtLeast: advice.rowsAtLeast ?? false,
          minTableRows: this.minTableRows,
          routes,
          callSite: frames[0] ?? null,
          fingerprints: e.fingerprints,
          executions,
          queryMs: round(ms),
        },
      },
      recommendation: `Add an index, equality columns first${joins.length ? ', then the join columns' : ''}: ${advice.createIndex} Then check with EXPLAIN that the plan uses it.`,
      ...(total > 0 && executions > 0
        ? {
            impact: {
              share: Math.min(1, Math.round((ms / total) * 1000) / 1000),
              of: 'query time' as const,
              ...(routes.length === 1 ? { scope: routes[0] } : {}),
              basis:
                'the time of the statements that scan through the unindexed columns over all query time seen; ' +
                'no saving estimated: at this size the scan is cheap, the gain grows with the table',
            },
          }
        : {}),
      how: { method: 'estimated', source: advice.source },
    });
  }
}
