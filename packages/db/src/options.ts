import type { Audit } from '@perf/core';
import type { SqlShape } from './fingerprint.js';

/** Settings of the EXPLAIN-based missing-index advisor. */
export interface ExplainOptions {
  /**
   * A scan through an unindexed WHERE or JOIN column is reported whatever the table's size: as 'info' on a
   * table under this many rows (it grows with the table), 'warning' from it on. Default 1000 rows.
   */
  minTableRows?: number;
  /** Only explain fingerprints whose execution took at least this long. Default 0 ms (every SELECT). */
  minDurationMs?: number;
  /** Statement timeout for each EXPLAIN where the database has one. Default 1000 ms. */
  timeoutMs?: number;
  /** Fingerprints remembered as explained (then forgotten oldest first). Default 1000. */
  maxFingerprints?: number;
  /** EXPLAINs waiting to run; more are dropped and counted. Default 100. */
  maxQueue?: number;
}

/** What `onQuery` receives: one finished query, never its bindings. */
export interface QueryRecord {
  shape: SqlShape;
  durationMs: number;
  rows: number | undefined;
  error: boolean;
  /** The scope the query ran in (explicit scope name, route or 'transaction'), if any. */
  scope: string | undefined;
  /** Whether the query ran on a transaction's connection. */
  inTransaction: boolean;
}

/** Options of `knexPerf`. Every threshold has a default; see the README for why each was chosen. */
export interface KnexPerfOptions {
  /** The audit the metrics and findings go to. */
  audit: Audit;
  /** `db.system.name` for the metrics; defaults from the knex client (e.g. 'mysql' for mysql2: say 'mariadb'). */
  system?: string;
  /** Same SELECT fingerprint this many times in one scope is an N+1. Default 5. */
  nPlusOneThreshold?: number;
  /** Same single-row INSERT/UPDATE/DELETE this many times in one scope is an N+1 write. Default 5. */
  nPlusOneWriteThreshold?: number;
  /**
   * Repeats of a SELECT whose IN list holds at least this many values are chunks of a batch load (whereIn over a
   * long id list), never an N+1. Default 50.
   */
  nPlusOneBatchInList?: number;
  /** Back-to-back independent SELECTs needed for a 'db.sequential-queries' finding; 0 disables. Default 2. */
  sequentialMinQueries?: number;
  /** Summed time of such a run below which parallelizing is not worth a finding. Default 10 ms. */
  sequentialMinTotalMs?: number;
  /** A single execution over this is a slow query. Default 50 ms (the audit's p95 target for queries). */
  slowQueryMs?: number;
  /** A SELECT without LIMIT returning more rows than this is unbounded. Default 1000. */
  unboundedRows?: number;
  /** A transaction open longer than this is long. Default 1000 ms. */
  longTransactionMs?: number;
  /** Missing-index advice from EXPLAIN; false disables it. Default enabled with ExplainOptions defaults. */
  explain?: boolean | ExplainOptions;
  /** Findings whose fingerprint is listed, or whose call site contains a listed substring, are not reported. */
  suppress?: { fingerprints?: string[]; callSites?: string[] };
  /** Request scopes (from @perf/node) with no query for this long are evaluated. Default 1000 ms. */
  requestIdleMs?: number;
  /** A started query with no response after this long is dropped from the pending map and counted. Default 300000 ms. */
  pendingTimeoutMs?: number;
  /** Pending queries kept at most (oldest evicted and counted). Default 10000. */
  maxPending?: number;
  /** Distinct fingerprints tracked per scope; the rest are counted as dropped. Default 200. */
  maxFingerprintsPerScope?: number;
  /** Call-site captures per scope (an Error per query builder while under the cap). Default 50. */
  maxStackCaptures?: number;
  /** Put the normalized SQL in the 'db.query.text' attribute. Default true (it holds no values). */
  queryText?: boolean;
  /** Called for every finished query (used by expectQueries). Errors it throws are counted, not raised. */
  onQuery?: (query: QueryRecord) => void;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  nPlusOneThreshold: number;
  nPlusOneWriteThreshold: number;
  nPlusOneBatchInList: number;
  sequentialMinQueries: number;
  sequentialMinTotalMs: number;
  slowQueryMs: number;
  unboundedRows: number;
  longTransactionMs: number;
  explain: Required<ExplainOptions> | false;
  suppressFingerprints: Set<string>;
  suppressCallSites: string[];
  requestIdleMs: number;
  pendingTimeoutMs: number;
  maxPending: number;
  maxFingerprintsPerScope: number;
  maxStackCaptures: number;
  queryText: boolean;
}

const positive = (v: number | undefined, fallback: number) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;

/** Fills in defaults; invalid numbers fall back to the default rather than throwing into the app. */
export function resolveOptions(o: KnexPerfOptions): ResolvedOptions {
  const ex = o.explain === false ? false : o.explain === true || o.explain === undefined ? {} : o.explain;
  return {
    nPlusOneThreshold: Math.max(2, positive(o.nPlusOneThreshold, 5)),
    nPlusOneWriteThreshold: Math.max(2, positive(o.nPlusOneWriteThreshold, 5)),
    nPlusOneBatchInList: Math.max(2, positive(o.nPlusOneBatchInList, 50)),
    sequentialMinQueries: positive(o.sequentialMinQueries, 2),
    sequentialMinTotalMs: positive(o.sequentialMinTotalMs, 10),
    slowQueryMs: positive(o.slowQueryMs, 50),
    unboundedRows: positive(o.unboundedRows, 1000),
    longTransactionMs: positive(o.longTransactionMs, 1000),
    explain:
      ex === false
        ? false
        : {
            minTableRows: positive(ex.minTableRows, 1000),
            minDurationMs: positive(ex.minDurationMs, 0),
            timeoutMs: Math.max(1, positive(ex.timeoutMs, 1000)),
            maxFingerprints: Math.max(1, positive(ex.maxFingerprints, 1000)),
            maxQueue: Math.max(1, positive(ex.maxQueue, 100)),
          },
    suppressFingerprints: new Set(o.suppress?.fingerprints ?? []),
    suppressCallSites: o.suppress?.callSites ?? [],
    requestIdleMs: Math.max(1, positive(o.requestIdleMs, 1000)),
    pendingTimeoutMs: Math.max(1, positive(o.pendingTimeoutMs, 300_000)),
    maxPending: Math.max(1, positive(o.maxPending, 10_000)),
    maxFingerprintsPerScope: Math.max(1, positive(o.maxFingerprintsPerScope, 200)),
    maxStackCaptures: positive(o.maxStackCaptures, 50),
    queryText: o.queryText !== false,
  };
}
