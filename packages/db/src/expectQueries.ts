import { createAudit, type Finding } from '@perf/core';
import type { Knex } from 'knex';
import { dialectOf } from './dialect.js';
import { fingerprintSql } from './fingerprint.js';
import { knexPerf } from './knexPerf.js';
import type { KnexPerfOptions, QueryRecord } from './options.js';

/** Detection settings expectQueries passes on to knexPerf (EXPLAIN is always off here). */
export type ExpectQueriesOptions = Pick<
  KnexPerfOptions,
  'nPlusOneThreshold' | 'nPlusOneWriteThreshold' | 'suppress' | 'system'
>;

const MAX_LISTED = 50;
let runs = 0;

/** What ran inside an expectQueries block, with assertions that throw an Error listing the queries. */
export class QueryExpectation {
  constructor(
    /** Every query of the block, in completion order, as normalized SQL (never bindings). */
    readonly queries: readonly QueryRecord[],
    /** The db.n-plus-one and db.n-plus-one-write findings of the block. */
    readonly findings: readonly Finding[],
    private readonly shapeOf: (sqlOrFingerprint: string) => string,
  ) {}

  /** The queries seen, one line each, for failure messages. */
  describe(): string {
    if (this.queries.length === 0) return '  (no queries)';
    const lines = this.queries
      .slice(0, MAX_LISTED)
      .map(
        (q, i) =>
          `  ${String(i + 1).padStart(3)}. [${q.shape.fingerprint}] ${q.shape.text.slice(0, 200)}` +
          ` (${q.durationMs.toFixed(2)} ms${q.error ? ', failed' : ''})`,
      );
    if (this.queries.length > MAX_LISTED) lines.push(`  … ${this.queries.length - MAX_LISTED} more`);
    return lines.join('\n');
  }

  /** Fails when more than `n` queries ran. */
  toBeAtMost(n: number): this {
    if (this.queries.length > n) {
      throw new Error(`expected at most ${n} queries, but ${this.queries.length} ran:\n${this.describe()}`);
    }
    return this;
  }

  /** Fails when the block had an N+1 (reads or single-row writes). */
  toHaveNoNPlusOne(): this {
    if (this.findings.length > 0) {
      const list = this.findings.map((f) => `  ${f.rule}: ${f.title}`).join('\n');
      throw new Error(`expected no N+1 queries, found:\n${list}\nqueries:\n${this.describe()}`);
    }
    return this;
  }

  /**
   * Fails unless exactly these statement shapes ran (each at least once, no others, any order). Entries are
   * fingerprints or SQL (e.g. `knex('t').where({ id: 1 }).toSQL().sql`), normalized like the queries.
   */
  toMatchFingerprints(expected: readonly string[]): this {
    const want = new Set(expected.map((e) => this.shapeOf(e)));
    const seen = new Set(this.queries.map((q) => q.shape.fingerprint));
    const missing = [...want].filter((f) => !seen.has(f));
    const extra = [...seen].filter((f) => !want.has(f));
    if (missing.length || extra.length) {
      throw new Error(
        `expected the queries to match ${want.size} fingerprint(s)` +
          (missing.length ? `; missing: ${missing.join(', ')}` : '') +
          (extra.length ? `; unexpected: ${extra.join(', ')}` : '') +
          `\nqueries:\n${this.describe()}`,
      );
    }
    return this;
  }
}

/**
 * Runs `fn`, recording the queries it makes on `knex` (only those in its own async context, so parallel
 * work elsewhere does not count), and returns them with assertions:
 * `(await expectQueries(knex, () => loadOrders())).toBeAtMost(2).toHaveNoNPlusOne()`.
 */
export async function expectQueries(
  knex: Knex,
  fn: () => unknown,
  options: ExpectQueriesOptions = {},
): Promise<QueryExpectation> {
  const name = `expectQueries#${++runs}`;
  const audit = createAudit({ subject: name });
  const seen: QueryRecord[] = [];
  const perf = knexPerf(knex, {
    ...options,
    audit,
    explain: false,
    sequentialMinQueries: 0,
    onQuery: (q) => {
      if (q.scope === name) seen.push(q);
    },
  });
  try {
    await perf.scope(name, fn);
  } finally {
    await perf.close();
  }
  const findings = audit
    .report()
    .findings.filter((f) => f.rule === 'db.n-plus-one' || f.rule === 'db.n-plus-one-write');
  const { dialect } = dialectOf(knex.client as { dialect?: string; driverName?: string });
  const shapeOf = (s: string) => (/^[0-9a-f]{12}$/.test(s) ? s : fingerprintSql(s, dialect).fingerprint);
  return new QueryExpectation(seen, findings, shapeOf);
}
