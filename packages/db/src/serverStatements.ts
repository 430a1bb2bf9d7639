import type { Audit } from '@perf/core';

/**
 * What every server-side statement view gives per statement, keyed by our client-side fingerprint. MySQL/MariaDB
 * digests (`StatementDigest`) and PostgreSQL `pg_stat_statements` entries (`PgStatementDigest`) extend it.
 */
export interface ServerStatement {
  /** Which server view the numbers come from. */
  source: 'performance_schema' | 'pg_stat_statements';
  /** `fingerprintSql` of the server's normalized text: the same key as the client-side `db.query.fingerprint`. */
  fingerprint: string;
  /** Our normalized text of the statement (never a value). */
  text: string;
  operation: string;
  table: string | undefined;
  /** The server's own statement id (MySQL `DIGEST`, PostgreSQL `queryid`). */
  digest: string | null;
  /** MySQL: the schema; PostgreSQL: the database (`db.namespace` in both). */
  schema: string | null;
  /** Executions. */
  count: number;
  /** Total server execution time in ms. */
  totalMs: number;
  meanMs: number;
  /** Longest single execution in ms. */
  maxMs: number;
}

/** Server time of one fingerprint, summed over the server entries that share it (see `serverTimeByFingerprint`). */
export interface ServerTime {
  /** Executions the server counted. */
  count: number;
  /** Mean server time per execution, ms (`totalMs / count`). */
  meanMs: number;
  /** Longest single execution on the server, ms. */
  maxMs: number;
  /** Total server time, ms. */
  totalMs: number;
}

/** The part of a `readStatementDigests` result that `serverTimeByFingerprint` reads. */
export type ServerTimeSource =
  | {
      enabled: true;
      digests: readonly Pick<ServerStatement, 'fingerprint' | 'count' | 'totalMs' | 'maxMs'>[];
    }
  | { enabled: false };

export const round = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Server statement time per client fingerprint (`db.query.fingerprint`) from a `readStatementDigests` result,
 * on any engine; entries sharing a fingerprint are summed (max of max), and an `enabled: false` result gives an
 * empty map.
 */
export function serverTimeByFingerprint(result: ServerTimeSource): Map<string, ServerTime> {
  const out = new Map<string, ServerTime>();
  if (!result.enabled) return out;
  for (const d of result.digests) {
    const seen = out.get(d.fingerprint);
    const count = (seen?.count ?? 0) + d.count;
    const totalMs = (seen?.totalMs ?? 0) + d.totalMs;
    out.set(d.fingerprint, {
      count,
      totalMs: round(totalMs),
      meanMs: round(count > 0 ? totalMs / count : 0),
      maxMs: Math.max(seen?.maxMs ?? 0, d.maxMs),
    });
  }
  return out;
}

/** The rows of a knex.raw result: mysql2 answers `[rows, fields]`, pg `{ rows }`. */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return Array.isArray(result[0]) ? result[0] : result;
  const rows = (result as { rows?: unknown })?.rows;
  return Array.isArray(rows) ? rows : [];
}

/** Column by name, whatever case the server answers in. */
export function col(row: Record<string, unknown>, name: string): unknown {
  if (name in row) return row[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(row)) if (k.toLowerCase() === lower) return row[k];
  return undefined;
}

/** BIGINT (UNSIGNED) arrives as a number, a string or a bigint depending on the driver settings. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/** A driver error as `CODE: message`; our statements carry no app values, so the message is safe to show. */
export function errorText(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; sqlMessage?: unknown; message?: unknown };
  const code = String(e?.code ?? e?.name ?? 'error');
  const msg = String(e?.sqlMessage ?? e?.message ?? '').slice(0, 200);
  return msg ? `${code}: ${msg}` : code;
}

/**
 * Records why a server view is off as an info finding 'db.server-view-unavailable', so the report says so next
 * to the database section, and returns the `enabled: false` answer.
 */
export function viewUnavailable(
  audit: Audit,
  system: string,
  key: string,
  reason: string,
  fix: string,
  source: string,
): { enabled: false; reason: string } {
  audit.finding({
    rule: 'db.server-view-unavailable',
    key,
    area: 'database',
    severity: 'info',
    title: `Server statement digests unavailable on ${system}: ${key}`,
    message: reason,
    evidence: { attributes: { 'db.system.name': system }, details: { reason: key } },
    recommendation: fix,
    how: { method: 'exact', source },
  });
  return { enabled: false, reason };
}

/**
 * The answer when a read of a server view fails: counted as the collector's own fault (it never throws), and
 * the reason with the grant that fixes it as the `db.server-view-unavailable` finding.
 */
export function readFailed(
  audit: Audit,
  system: string,
  view: string,
  step: string,
  err: unknown,
  grant: string,
  source: string,
): { enabled: false; reason: string } {
  const reason = `could not ${step} (${errorText(err)})`;
  audit.safely('@perf/db', () => {
    throw new Error(`server statement digests: ${reason}`);
  });
  return viewUnavailable(audit, system, 'query failed', `Reading ${view} failed: ${reason}.`, grant, source);
}

/** The gauges every server view has; server totals are cumulative snapshots (the latest read wins). */
export function recordServerTime(audit: Audit, system: string, d: ServerStatement): Record<string, string> {
  const attrs: Record<string, string> = {
    'db.system.name': system,
    ...(d.schema ? { 'db.namespace': d.schema } : {}),
    'db.operation.name': d.operation,
    ...(d.table ? { 'db.collection.name': d.table } : {}),
    'db.query.fingerprint': d.fingerprint,
  };
  // Units and descriptions come from the core metric catalog.
  audit.gauge('db.server.statement.executions', attrs).set(d.count);
  audit.gauge('db.server.statement.time', attrs).set(d.totalMs);
  audit.gauge('db.server.statement.mean_time', attrs).set(d.meanMs);
  audit.gauge('db.server.statement.max_time', attrs).set(d.maxMs);
  return attrs;
}
