import type { Audit } from '@perf/core';
import type { Knex } from 'knex';
import { dialectOf } from './dialect.js';
import type { RawQuery } from './explain/types.js';
import { fingerprintSql, type SqlDialect } from './fingerprint.js';
import { type PgStatementDigest, readPgStatStatementsWith } from './pgStatStatements.js';
import {
  col,
  errorText,
  num,
  readFailed,
  recordServerTime,
  round,
  rowsOf,
  type ServerStatement,
  viewUnavailable,
} from './serverStatements.js';

/** Options of `readStatementDigests`. */
export interface StatementDigestOptions {
  /** The audit the server metrics and findings go to. */
  audit: Audit;
  /** Digests read, the heaviest by total server time first. Default 50. */
  limit?: number;
  /** Digests executed fewer times than this are left out. Default 1. */
  minCount?: number;
  /**
   * MySQL: schema whose digests are read; defaults to the connection's database (`DATABASE()`), all when none.
   * PostgreSQL: the database whose statements are read; defaults to `current_database()`.
   */
  schema?: string;
  /** Rows examined per row sent from which a statement that used no index is a finding (MySQL). Default 100. */
  noIndexMinExaminedPerSent?: number;
  /** `db.system.name` for the metrics; defaults from the knex client. */
  system?: string;
}

/** One MySQL/MariaDB performance_schema statement digest, keyed by our client-side fingerprint. */
export interface StatementDigest extends ServerStatement {
  source: 'performance_schema';
  /** The server's digest hash (`DIGEST`). */
  digest: string | null;
  /** Executions (`COUNT_STAR`). */
  count: number;
  /** Total server time in ms (`SUM_TIMER_WAIT`, picoseconds / 1e9). */
  totalMs: number;
  rowsExamined: number;
  rowsSent: number;
  /** Rows examined per row sent (per execution when nothing was sent). */
  examinedPerSent: number;
  /** Executions that used no index (`SUM_NO_INDEX_USED`). */
  noIndexUsed: number;
  /** Executions where the server found no good index (`SUM_NO_GOOD_INDEX_USED`). */
  noGoodIndexUsed: number;
}

/**
 * What `readStatementDigests` returns: the digests, or why the server view is not available. `D` is the engine's
 * digest type; by default either, told apart by `source` (`'performance_schema'` or `'pg_stat_statements'`).
 */
export type StatementDigestResult<D extends ServerStatement = StatementDigest | PgStatementDigest> =
  | { enabled: true; schema: string | null; digests: D[] }
  | { enabled: false; reason: string };

const SOURCE = '@perf/db';
const DIGEST_TABLE = 'performance_schema.events_statements_summary_by_digest';
const PS_TO_MS = 1e-9;

/**
 * MariaDB writes a collapsed list as `(...)`, and further rows of a VALUES list as ` /* , ... *\/` (which our
 * comment stripping would drop). Rebuilding them as the client sends them (one `?` per listed column, `, ...` for
 * more rows) lets them collapse the way a client-side statement does, so both get the same fingerprint.
 */
export function digestToSql(text: string): string {
  return text
    .replace(/\s*\/\*\s*,\s*\.\.\.\s*\*\//g, ', ...')
    .replace(/(\(([^()]*)\)\s*VALUES\s*)\(\.\.\.\)/gi, (_, head: string, cols: string) => {
      const n = cols.split(',').length;
      return `${head}(${Array.from({ length: n }, () => '?').join(', ')})`;
    })
    .replace(/\(\.\.\.\)/g, '(?, ...)');
}

/** Records why performance_schema gives no digests (see `viewUnavailable`). */
function unavailable(
  audit: Audit,
  system: string,
  key: string,
  reason: string,
  fix: string,
): StatementDigestResult<StatementDigest> {
  return viewUnavailable(
    audit,
    system,
    key,
    reason,
    fix,
    'SELECT @@performance_schema; performance_schema.setup_consumers',
  );
}

const ENABLE_PS =
  'Set performance_schema=ON in the server config ([mysqld] section, or --performance-schema=ON) and restart ' +
  'the server: the variable is not dynamic. The statements_digest consumer is on by default.';

/**
 * Reads the server view with `raw` (one connection: `DATABASE()` must be the app's). Never throws: a failure is
 * the returned reason plus a counted fault under '@perf/db'.
 */
export async function readDigestsWith(
  raw: RawQuery,
  system: string,
  options: StatementDigestOptions,
): Promise<StatementDigestResult<StatementDigest>> {
  const { audit } = options;
  const limit = Math.max(1, Math.floor(options.limit ?? 50));
  const minCount = Math.max(1, Math.floor(options.minCount ?? 1));
  const minRatio = options.noIndexMinExaminedPerSent ?? 100;
  const fail = (step: string, err: unknown): StatementDigestResult<StatementDigest> =>
    readFailed(
      audit,
      system,
      'performance_schema',
      step,
      err,
      'Grant the app user SELECT on performance_schema.* (GRANT SELECT ON performance_schema.* TO ...), or read ' +
        'the digests with a monitoring user.',
      'SELECT @@performance_schema; performance_schema.setup_consumers',
    );

  let schema: string | null;
  try {
    const row = rowsOf(await raw('SELECT @@performance_schema AS ps, DATABASE() AS db'))[0] ?? {};
    const on = num(col(row, 'ps')) === 1;
    const db = col(row, 'db');
    schema = options.schema ?? (typeof db === 'string' ? db : null);
    if (!on) {
      return unavailable(
        audit,
        system,
        'performance_schema is OFF',
        `performance_schema is OFF on this server; it is not dynamic: set performance_schema=ON in the server ` +
          `config and restart. Until then only the client-side timings (db.client.operation.duration) are available.`,
        ENABLE_PS,
      );
    }
  } catch (err) {
    return fail('read @@performance_schema', err);
  }

  try {
    const consumers = new Map<string, string>();
    for (const row of rowsOf(
      await raw(
        "SELECT NAME, ENABLED FROM performance_schema.setup_consumers WHERE NAME IN ('global_instrumentation', 'statements_digest')",
      ),
    )) {
      consumers.set(String(col(row, 'NAME')), String(col(row, 'ENABLED')).toUpperCase());
    }
    const off = ['global_instrumentation', 'statements_digest'].filter((n) => consumers.get(n) !== 'YES');
    if (off.length) {
      return unavailable(
        audit,
        system,
        `consumer ${off.join(', ')} disabled`,
        `performance_schema is ON but the ${off.join(' and ')} consumer${off.length > 1 ? 's are' : ' is'} ` +
          'disabled, so the server keeps no statement digests.',
        `Enable it at runtime: UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME IN ` +
          `(${off.map((n) => `'${n}'`).join(', ')}); and keep it on across restarts with ` +
          `${off.map((n) => `performance_schema_consumer_${n}=ON`).join(' and ')} in the server config.`,
      );
    }
  } catch (err) {
    return fail('read performance_schema.setup_consumers', err);
  }

  let rows: Record<string, unknown>[];
  try {
    // Our own reads of performance_schema are left out: they are the profiler's, not the app's.
    rows = rowsOf(
      await raw(
        `SELECT SCHEMA_NAME, DIGEST, DIGEST_TEXT, COUNT_STAR, SUM_TIMER_WAIT, MAX_TIMER_WAIT, SUM_ROWS_EXAMINED, ` +
          `SUM_ROWS_SENT, SUM_NO_INDEX_USED, SUM_NO_GOOD_INDEX_USED FROM ${DIGEST_TABLE} ` +
          `WHERE DIGEST_TEXT IS NOT NULL AND DIGEST_TEXT NOT LIKE '%performance\\_schema%' AND COUNT_STAR >= ?` +
          `${schema !== null ? ' AND SCHEMA_NAME = ?' : ''} ORDER BY SUM_TIMER_WAIT DESC LIMIT ?`,
        schema !== null ? [minCount, schema, limit] : [minCount, limit],
      ),
    );
  } catch (err) {
    return fail(`read ${DIGEST_TABLE}`, err);
  }

  const digests: StatementDigest[] = [];
  for (const row of rows) {
    const result = audit.safely(SOURCE, () => {
      const shape = fingerprintSql(digestToSql(String(col(row, 'DIGEST_TEXT'))), 'mysql');
      const count = num(col(row, 'COUNT_STAR'));
      const totalMs = num(col(row, 'SUM_TIMER_WAIT')) * PS_TO_MS;
      const rowsExamined = num(col(row, 'SUM_ROWS_EXAMINED'));
      const rowsSent = num(col(row, 'SUM_ROWS_SENT'));
      const schemaName = col(row, 'SCHEMA_NAME');
      const digest = col(row, 'DIGEST');
      const d: StatementDigest = {
        source: 'performance_schema',
        fingerprint: shape.fingerprint,
        text: shape.text,
        operation: shape.operation,
        table: shape.table,
        digest: typeof digest === 'string' ? digest : null,
        schema: typeof schemaName === 'string' ? schemaName : null,
        count,
        totalMs: round(totalMs),
        meanMs: round(count > 0 ? totalMs / count : 0),
        maxMs: round(num(col(row, 'MAX_TIMER_WAIT')) * PS_TO_MS),
        rowsExamined,
        rowsSent,
        examinedPerSent: round(rowsSent > 0 ? rowsExamined / rowsSent : rowsExamined / Math.max(1, count)),
        noIndexUsed: num(col(row, 'SUM_NO_INDEX_USED')),
        noGoodIndexUsed: num(col(row, 'SUM_NO_GOOD_INDEX_USED')),
      };
      record(audit, system, d);
      if ((d.noIndexUsed > 0 || d.noGoodIndexUsed > 0) && d.examinedPerSent >= minRatio)
        reportNoIndex(audit, system, d);
      return d;
    });
    if (result) digests.push(result);
  }
  return { enabled: true, schema, digests };
}

/** Server totals are cumulative snapshots, so they are gauges (the latest read wins), not counters. */
function record(audit: Audit, system: string, d: StatementDigest): void {
  const attrs = recordServerTime(audit, system, d);
  audit.gauge('db.server.statement.rows_examined_per_sent', attrs).set(d.examinedPerSent);
  audit.gauge('db.server.statement.no_index_used', attrs).set(d.noIndexUsed);
}

/** 'db.server-no-index': the server ran a statement without a (good) index and examined far more than it sent. */
function reportNoIndex(audit: Audit, system: string, d: StatementDigest): void {
  const perCall = d.count > 0 ? d.rowsExamined / d.count : d.rowsExamined;
  audit.finding({
    rule: 'db.server-no-index',
    key: d.fingerprint,
    area: 'database',
    severity: perCall >= 100_000 ? 'critical' : 'warning',
    title: `No index used on ${d.table ?? 'the database'}: ${Math.round(d.examinedPerSent)} rows examined per row sent`,
    message:
      `The server ran \`${d.text.slice(0, 300)}\` ${d.count} times; ${d.noIndexUsed} of them used no index` +
      `${d.noGoodIndexUsed ? ` and ${d.noGoodIndexUsed} found no good one` : ''}, examining ${d.rowsExamined} rows ` +
      `to send ${d.rowsSent} (${round(d.totalMs)} ms of server time in total).`,
    evidence: {
      metrics: [
        {
          name: 'db.server.statement.rows_examined_per_sent',
          attributes: { 'db.query.fingerprint': d.fingerprint },
          statistic: 'value',
          value: d.examinedPerSent,
          unit: '1',
        },
      ],
      samples: [d.text.slice(0, 4096)],
      attributes: {
        'db.system.name': system,
        'db.query.fingerprint': d.fingerprint,
        'db.operation.name': d.operation,
        ...(d.table ? { 'db.collection.name': d.table } : {}),
      },
      details: {
        executions: d.count,
        noIndexUsed: d.noIndexUsed,
        noGoodIndexUsed: d.noGoodIndexUsed,
        rowsExamined: d.rowsExamined,
        rowsSent: d.rowsSent,
        totalMs: d.totalMs,
        meanMs: d.meanMs,
        digest: d.digest,
      },
    },
    recommendation:
      'Run EXPLAIN on the statement and index the columns it filters, joins or sorts on (equality columns first); ' +
      "knexPerf's explain option suggests the CREATE INDEX. Then check that SUM_NO_INDEX_USED stops growing.",
    how: { method: 'exact', source: DIGEST_TABLE },
  });
}

/**
 * Reads the server's own statement statistics into `audit`, keyed by the client-side fingerprint: MySQL/MariaDB
 * `performance_schema` statement digests (server time, rows examined per row sent, no-index executions) or
 * PostgreSQL `pg_stat_statements` (execution time, calls, rows, buffer hits), picked by the knex client's
 * dialect. When the server keeps no statistics (performance_schema OFF, consumer disabled, pg_stat_statements not
 * preloaded or not created, no privilege, another engine) it returns `{ enabled: false, reason }` and records an
 * info finding. Never throws.
 */
export async function readStatementDigests(
  knex: Knex,
  options: StatementDigestOptions,
): Promise<StatementDigestResult> {
  const { audit } = options;
  let system = options.system ?? 'other_sql';
  try {
    const detected = dialectOf(knex.client as { dialect?: string; driverName?: string });
    system = options.system ?? detected.system;
    if (!hasServerView(detected.dialect, system)) return notSupported(audit, system);
    // One connection for every statement, so DATABASE() is the app's database and not a pool neighbour's.
    const client = knex.client as {
      acquireConnection(): Promise<unknown>;
      releaseConnection(conn: unknown): Promise<unknown>;
    };
    const conn = await client.acquireConnection();
    try {
      return await readServerStatementsWith(
        (sql, bindings) => knex.raw(sql, (bindings ?? []) as Knex.RawBinding[]).connection(conn as never),
        detected.dialect,
        system,
        options,
      );
    } finally {
      await client.releaseConnection(conn);
    }
  } catch (err) {
    return failed(audit, err);
  }
}

/** Engines with a server view @perf/db reads (PostgreSQL's wire protocol alone is not enough: CockroachDB, Redshift). */
function hasServerView(dialect: SqlDialect, system: string): boolean {
  return dialect === 'mysql' || (dialect === 'postgresql' && system === 'postgresql');
}

/**
 * `readStatementDigests` on a given connection (`raw` runs one statement on it): performance_schema for
 * `dialect` 'mysql', pg_stat_statements for 'postgresql', otherwise `enabled: false` saying so. For callers that
 * hold their own connection, such as the knexPerf handle. Never throws.
 */
export async function readServerStatementsWith(
  raw: RawQuery,
  dialect: SqlDialect,
  system: string,
  options: StatementDigestOptions,
): Promise<StatementDigestResult> {
  try {
    if (!hasServerView(dialect, system)) return notSupported(options.audit, system);
    if (dialect === 'postgresql') return await readPgStatStatementsWith(raw, system, options);
    return await readDigestsWith(raw, system, options);
  } catch (err) {
    return failed(options.audit, err);
  }
}

/** The answer for a client with no server view @perf/db reads (neither MySQL/MariaDB nor PostgreSQL). */
export function notSupported(audit: Audit, system: string): StatementDigestResult {
  return unavailable(
    audit,
    system,
    'no server view',
    `Server statement statistics come from MySQL/MariaDB performance_schema or PostgreSQL pg_stat_statements; ` +
      `this knex client is ${system}.`,
    'Rely on the client-side timings (db.client.operation.duration) on this engine.',
  );
}

/**
 * The answer knexPerf's handle gives for a client that is not MySQL/MariaDB. Kept for it; `readStatementDigests`
 * and `readServerStatementsWith` read PostgreSQL too.
 */
export function notMysql(audit: Audit, system: string): StatementDigestResult {
  return unavailable(
    audit,
    system,
    'not MySQL/MariaDB',
    `Server statement digests come from MySQL/MariaDB performance_schema; this knex client is ${system}.`,
    system === 'postgresql'
      ? 'Read PostgreSQL pg_stat_statements with readStatementDigests(knex, { audit }).'
      : 'Rely on the client-side timings (db.client.operation.duration) on this engine.',
  );
}

/** An error outside the reads themselves (acquiring a connection): counted, and returned as the reason. */
export function failed(audit: Audit, err: unknown): StatementDigestResult {
  audit.safely(SOURCE, () => {
    throw new Error(`server statement digests: ${errorText(err)}`);
  });
  return { enabled: false, reason: `reading the server view failed (${errorText(err)})` };
}
