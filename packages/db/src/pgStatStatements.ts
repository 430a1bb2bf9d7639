import type { Audit } from '@perf/core';
import type { RawQuery } from './explain/types.js';
import { fingerprintSql } from './fingerprint.js';
import type { StatementDigestOptions, StatementDigestResult } from './serverDigests.js';
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

/**
 * One PostgreSQL `pg_stat_statements` statement, keyed by our client-side fingerprint. Entries the server keeps
 * apart but that fingerprint alike (a literal and a bound value, IN lists of other lengths, other users) are
 * summed into one.
 */
export interface PgStatementDigest extends ServerStatement {
  source: 'pg_stat_statements';
  /** `queryid` of the heaviest entry merged into this one. */
  digest: string | null;
  /** The database (`pg_database.datname` of `dbid`). */
  schema: string | null;
  /** Executions (`calls`). */
  count: number;
  /** Total execution time in ms (`total_exec_time`; `total_time` before pg_stat_statements 1.8 / PostgreSQL 13). */
  totalMs: number;
  /** Longest execution in ms (`max_exec_time`). */
  maxMs: number;
  /** Shortest execution in ms (`min_exec_time`). */
  minMs: number;
  /** Total planning time in ms (`total_plan_time`); 0 unless `pg_stat_statements.track_planning` is on. */
  planMs: number;
  /** Rows retrieved or affected (`rows`). */
  rows: number;
  /** Shared buffer hits and reads (`shared_blks_hit`, `shared_blks_read`): reads went to the OS or disk. */
  sharedBlksHit: number;
  sharedBlksRead: number;
  /** pg_stat_statements entries merged into this fingerprint. */
  variants: number;
}

const SOURCE = '@perf/db';
const VIEW = 'pg_stat_statements';
/** Marks the profiler's own statements, which pg_stat_statements records too (comments survive in its text). */
const MARK = '/* @perf/db server view */';
const PRELOAD_HINT = 'must be loaded via';

/** `"name"`, for the schema the extension lives in. */
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** `major.minor` of an extension version, comparable as a number pair. */
function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  return a > major || (a === major && b >= minor);
}

/**
 * PostgreSQL 18 writes a squashed constant list as `($1 /*, ... *\/)`; our comment stripping would leave `(?)`,
 * so the comment becomes `, ...` and the list collapses like the client's `IN (?, ?, ?)`.
 */
export function pgQueryToSql(query: string): string {
  return query.replace(/\s*\/\*\s*,\s*\.\.\.\s*\*\//g, ', ...');
}

function unavailable(
  audit: Audit,
  system: string,
  key: string,
  reason: string,
  fix: string,
): StatementDigestResult<PgStatementDigest> {
  return viewUnavailable(audit, system, key, reason, fix, 'pg_extension; pg_settings; pg_stat_statements');
}

/** The fix for a library that is not preloaded, keeping what is preloaded already (when the user may see it). */
function preloadFix(preload: string | null, create: boolean): string {
  const libs = preload
    ?.split(',')
    .map((s) => s.trim().replace(/^"|"$/g, ''))
    .filter(Boolean);
  const value = [...(libs ?? []), 'pg_stat_statements'].join(', ');
  return (
    `Add it to shared_preload_libraries and restart the server (the setting is read at start only): ` +
    `ALTER SYSTEM SET shared_preload_libraries = '${value}';${preload === null ? ' (append to the current list)' : ''} ` +
    `then restart (pg_ctlcluster <version> main restart, or your service manager)` +
    `${create ? ', then CREATE EXTENSION pg_stat_statements; in the app database' : ''}. ` +
    'Managed services set it in their parameter group.'
  );
}

/**
 * Reads `pg_stat_statements` with `raw` into `audit`. Never throws: a failure is the returned reason plus a
 * counted fault under '@perf/db'.
 */
export async function readPgStatStatementsWith(
  raw: RawQuery,
  system: string,
  options: StatementDigestOptions,
): Promise<StatementDigestResult<PgStatementDigest>> {
  const { audit } = options;
  const limit = Math.max(1, Math.floor(options.limit ?? 50));
  const minCount = Math.max(1, Math.floor(options.minCount ?? 1));
  const fail = (step: string, err: unknown): StatementDigestResult<PgStatementDigest> =>
    readFailed(
      audit,
      system,
      'pg_stat_statements',
      step,
      err,
      'Grant the app user pg_read_all_stats (GRANT pg_read_all_stats TO ...), or read the view with a ' +
        'monitoring user.',
      'pg_extension; pg_settings; pg_stat_statements',
    );

  // What is installed, created and loaded. pg_settings hides shared_preload_libraries from users without
  // pg_read_all_settings (null then); pg_stat_statements.track exists as a setting only once the library loaded.
  let db: string;
  let extVersion: string | null;
  let extSchema: string | null;
  let available: boolean;
  let preload: string | null;
  let track: string | null;
  try {
    const row =
      rowsOf(
        await raw(
          `${MARK} SELECT current_database() AS db, e.extversion AS ext_version, n.nspname AS ext_schema, ` +
            `EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available, ` +
            `(SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries') AS preload, ` +
            `current_setting('pg_stat_statements.track', true) AS track ` +
            `FROM (SELECT 1) AS one LEFT JOIN pg_extension e ON e.extname = 'pg_stat_statements' ` +
            `LEFT JOIN pg_namespace n ON n.oid = e.extnamespace`,
        ),
      )[0] ?? {};
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    db = str(col(row, 'db')) ?? '';
    extVersion = str(col(row, 'ext_version'));
    extSchema = str(col(row, 'ext_schema'));
    available = col(row, 'available') === true || col(row, 'available') === 't';
    preload = str(col(row, 'preload'));
    track = str(col(row, 'track'));
  } catch (err) {
    return fail('read pg_extension and pg_settings', err);
  }
  const database = options.schema ?? db;
  const loaded =
    preload !== null ? /(?:^|[\s,"])pg_stat_statements(?:$|[\s,"])/.test(preload) : track !== null;

  if (extVersion === null && !available) {
    return unavailable(
      audit,
      system,
      'pg_stat_statements not installed',
      'pg_stat_statements is not installed on this PostgreSQL server (it ships with the contrib modules). ' +
        'Until it is, only the client-side timings (db.client.operation.duration) are available.',
      'Install the contrib modules (postgresql-contrib; part of postgresql-<version> on Debian), then ' +
        preloadFix(preload, true),
    );
  }
  const notLoaded = () =>
    unavailable(
      audit,
      system,
      'pg_stat_statements not in shared_preload_libraries',
      `pg_stat_statements is not in shared_preload_libraries${preload !== null ? ` (now '${preload}')` : ''}, ` +
        `so the server collects no statement statistics; the setting is read at server start only` +
        `${extVersion === null ? `, and the extension is not created in database ${db} either` : ''}. ` +
        'Until then only the client-side timings (db.client.operation.duration) are available.',
      preloadFix(preload, extVersion === null),
    );
  if (!loaded) return notLoaded();
  if (extVersion === null) {
    return unavailable(
      audit,
      system,
      'extension not created',
      `pg_stat_statements is loaded but the extension is not created in database ${db}, so its view does not ` +
        'exist there.',
      `Run CREATE EXTENSION IF NOT EXISTS pg_stat_statements; in database ${db} (as a superuser; once per ` +
        'database).',
    );
  }
  if (track === 'none') {
    return unavailable(
      audit,
      system,
      'pg_stat_statements.track is none',
      'pg_stat_statements is loaded and created, but pg_stat_statements.track = none: it records no statements.',
      "ALTER SYSTEM SET pg_stat_statements.track = 'top'; SELECT pg_reload_conf();",
    );
  }

  // Column names changed in 1.8 (PostgreSQL 13): total_time became total_exec_time, plus planning columns;
  // 1.9 (PostgreSQL 14) added toplevel. Client statements are top-level, so nested ones (track = all) are left out.
  const v18 = versionAtLeast(extVersion, 1, 8);
  const exec = (c: string) => (v18 ? `${c}_exec_time` : `${c}_time`);
  const view = `${extSchema ? `${quoteIdent(extSchema)}.` : ''}${VIEW}`;
  let rows: Record<string, unknown>[];
  try {
    rows = rowsOf(
      await raw(
        `${MARK} SELECT s.queryid::text AS queryid, s.query, s.calls, s.${exec('total')} AS total_ms, ` +
          `s.${exec('min')} AS min_ms, s.${exec('max')} AS max_ms, ` +
          `${v18 ? 's.total_plan_time' : '0'} AS plan_ms, s.rows, s.shared_blks_hit, s.shared_blks_read, ` +
          `d.datname FROM ${view} s JOIN pg_database d ON d.oid = s.dbid ` +
          `WHERE d.datname = ? AND s.calls >= ?${versionAtLeast(extVersion, 1, 9) ? ' AND s.toplevel' : ''} ` +
          `AND s.query NOT LIKE '%pg\\_stat\\_statements%' AND s.query NOT LIKE '%@perf/db server view%' ` +
          `ORDER BY s.${exec('total')} DESC LIMIT ?`,
        // More entries than digests wanted: several can merge into one fingerprint.
        [database, minCount, Math.min(limit * 4, 2000)],
      ),
    );
  } catch (err) {
    // The extension exists but the library is not loaded in the running server (the view says so when read).
    if (errorText(err).includes(PRELOAD_HINT)) return notLoaded();
    return fail(`read ${VIEW}`, err);
  }

  const byFingerprint = new Map<string, PgStatementDigest>();
  for (const row of rows) {
    audit.safely(SOURCE, () => {
      const query = col(row, 'query');
      // Other users' statements read as '<insufficient privilege>' without pg_read_all_stats.
      if (typeof query !== 'string' || query.startsWith('<insufficient privilege>')) return;
      const shape = fingerprintSql(pgQueryToSql(query), 'postgresql');
      const count = num(col(row, 'calls'));
      const totalMs = num(col(row, 'total_ms'));
      const maxMs = num(col(row, 'max_ms'));
      const minMs = num(col(row, 'min_ms'));
      const seen = byFingerprint.get(shape.fingerprint);
      if (seen) {
        seen.count += count;
        seen.totalMs += totalMs;
        seen.maxMs = Math.max(seen.maxMs, maxMs);
        seen.minMs = Math.min(seen.minMs, minMs);
        seen.planMs += num(col(row, 'plan_ms'));
        seen.rows += num(col(row, 'rows'));
        seen.sharedBlksHit += num(col(row, 'shared_blks_hit'));
        seen.sharedBlksRead += num(col(row, 'shared_blks_read'));
        seen.variants++;
        return;
      }
      const queryid = col(row, 'queryid');
      const datname = col(row, 'datname');
      byFingerprint.set(shape.fingerprint, {
        source: 'pg_stat_statements',
        fingerprint: shape.fingerprint,
        text: shape.text,
        operation: shape.operation,
        table: shape.table,
        digest: typeof queryid === 'string' ? queryid : null,
        schema: typeof datname === 'string' ? datname : null,
        count,
        totalMs,
        meanMs: 0,
        maxMs,
        minMs,
        planMs: num(col(row, 'plan_ms')),
        rows: num(col(row, 'rows')),
        sharedBlksHit: num(col(row, 'shared_blks_hit')),
        sharedBlksRead: num(col(row, 'shared_blks_read')),
        variants: 1,
      });
    });
  }

  const digests = [...byFingerprint.values()]
    .map((d) => ({
      ...d,
      totalMs: round(d.totalMs),
      meanMs: round(d.count > 0 ? d.totalMs / d.count : 0),
      maxMs: round(d.maxMs),
      minMs: round(d.minMs),
      planMs: round(d.planMs),
    }))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, limit);
  for (const d of digests) audit.safely(SOURCE, () => recordServerTime(audit, system, d));
  return { enabled: true, schema: database, digests };
}
