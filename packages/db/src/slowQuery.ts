import type { Audit, HistogramHandle } from '@perf/core';
import { appFrames } from './callSite.js';
import type { SqlShape } from './fingerprint.js';
import { suppressed } from './nPlusOne.js';
import type { ResolvedOptions } from './options.js';
import type { ServerTime } from './serverStatements.js';

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** The fingerprint's p95 and count so far (none when the audit refused the series). */
function statsOf(handle: HistogramHandle): { p95: number; count: number } | undefined {
  return handle.count > 0 ? { p95: handle.quantile(0.95), count: handle.count } : undefined;
}

/** One execution over the threshold, with what its finding needs. */
export interface SlowExecution {
  shape: SqlShape;
  time: QueryTime;
  duration: HistogramHandle;
  site: Error | undefined;
  /** The request ('GET /route') or scope the execution ran under, if any. */
  route?: string | undefined;
}

/** What a statement's slow executions added up to, for its one finding. */
export interface SlowTotals {
  /** Slow executions reported. */
  count: number;
  /** Their own time, ms. */
  ms: number;
  /** Their time over the threshold, ms: the least a fix must remove. */
  excessMs: number;
  /** Routes (or scopes) they ran under, first seen first, at most MAX_ROUTES. */
  routes: string[];
  /** All query time the plugin saw so far, ms: what the share is of. */
  allQueryMs: number;
}

const MAX_ROUTES = 10;

/** Adds one slow execution to its statement's totals. */
export function addSlow(totals: SlowTotals, slow: SlowExecution, thresholdMs: number): void {
  totals.count++;
  totals.ms += slow.time.ownMs;
  totals.excessMs += Math.max(0, slow.time.ownMs - thresholdMs);
  if (slow.route && totals.routes.length < MAX_ROUTES && !totals.routes.includes(slow.route))
    totals.routes.push(slow.route);
}

/** One execution's time: as the client saw it, the part the event loop explains, and the query's own. */
export interface QueryTime {
  /** Client time less the loop's delay over it, ms. */
  ownMs: number;
  /** Client time, ms. */
  clientMs: number;
  /** How late the loop ran the query's callback (a block or CPU starvation), ms: subtracted from the client time. */
  loopMs: number;
  /** How much of the query's span the loop was overdue or its thread waited for a core, ms. */
  delayedMs: number;
}

/**
 * 'db.slow-query': one execution whose own time (client time less the event-loop delay over it) is over
 * slowQueryMs, with the fingerprint's p95 for context. One finding per fingerprint: later ones add occurrences.
 */
export function reportSlowQuery(
  audit: Audit,
  options: ResolvedOptions,
  system: string,
  { shape, time, duration, site }: SlowExecution,
  server: ServerTime | undefined,
  count = 1,
  totals?: SlowTotals,
): void {
  const frames = appFrames(site);
  const routes = totals?.routes ?? [];
  const site0 = frames[0] ? (/\(([^()]+)\)\s*$/.exec(frames[0])?.[1] ?? frames[0]) : undefined;
  const under = routes.length
    ? ` in ${routes.slice(0, 2).join(', ')}${routes.length > 2 ? ` and ${routes.length - 2} more` : ''}`
    : '';
  if (suppressed(options, [shape.fingerprint], frames)) return;
  const stats = statsOf(duration);
  const ms = time.ownMs;
  const loop =
    time.loopMs >= 1
      ? ` (client time ${round(time.clientMs)} ms, of which the event loop was late ${round(time.loopMs)} ms)`
      : '';
  const clientTypical = duration.count > 0 ? duration.quantile(0.5) : ms;
  const outside = server !== undefined && server.meanMs > 0 && clientTypical >= 50 * server.meanMs;
  const serverText = server
    ? ` The server's own time: mean ${round(server.meanMs)} ms, max ${round(server.maxMs)} ms over ${server.count} executions` +
      (outside
        ? `; the client's median is ${Math.round(clientTypical / server.meanMs)}x that, so the time is outside the database (network, pool, the app's event loop).`
        : '.')
    : '';
  audit.finding({
    rule: 'db.slow-query',
    count,
    key: shape.fingerprint,
    area: 'database',
    severity: ms > 20 * options.slowQueryMs ? 'critical' : 'warning',
    title:
      `Slow query on ${shape.table ?? 'the database'}${under}: ${Math.round(ms)} ms (threshold ${options.slowQueryMs} ms)` +
      (site0 ? `, from ${site0}` : ''),
    message:
      `\`${shape.text.slice(0, 300)}\` took ${round(ms)} ms${loop}` +
      (routes.length ? ` under ${routes.join(', ')}` : '') +
      (frames[0] ? `, called from ${frames[0]}` : '') +
      (totals && totals.count > 1
        ? ` (${totals.count} slow executions, ${round(totals.ms)} ms in all)`
        : '') +
      (stats ? `; its p95 over ${stats.count} executions is ${round(stats.p95)} ms.` : '.') +
      serverText,
    evidence: {
      metrics: [
        {
          name: 'db.client.operation.duration',
          attributes: { 'db.query.fingerprint': shape.fingerprint },
          statistic: 'p95',
          ...(stats ? { value: round(stats.p95) } : {}),
          unit: 'ms',
        },
      ],
      samples: [shape.text.slice(0, 4096)],
      ...(frames.length ? { stack: frames } : {}),
      attributes: {
        'db.system.name': system,
        'db.query.fingerprint': shape.fingerprint,
        'db.operation.name': shape.operation,
        ...(shape.table ? { 'db.collection.name': shape.table } : {}),
      },
      details: {
        routes,
        callSite: frames[0] ?? null,
        slowExecutions: totals?.count ?? null,
        durationMs: round(ms),
        clientMs: round(time.clientMs),
        eventLoopDelayMs: round(time.loopMs),
        loopDelayedMs: round(time.delayedMs),
        thresholdMs: options.slowQueryMs,
        p95Ms: stats ? round(stats.p95) : null,
        executions: stats?.count ?? null,
        serverMeanMs: server ? round(server.meanMs) : null,
        serverMaxMs: server ? round(server.maxMs) : null,
        serverExecutions: server?.count ?? null,
      },
    },
    ...(totals && totals.allQueryMs > 0
      ? {
          impact: {
            share: Math.min(1, Math.round((totals.ms / totals.allQueryMs) * 1000) / 1000),
            of: 'query time' as const,
            scope: routes.length === 1 ? routes[0] : shape.fingerprint,
            savingMs: round(totals.excessMs),
            basis:
              "its slow executions' own time over all query time seen; saving = their time over the threshold " +
              '(the least a fix must remove), summed',
          },
        }
      : {}),
    recommendation: outside
      ? 'The database answers fast; look outside it: connection pool waits, network latency, and the event loop ' +
        '(node.event-loop-blocked, node.cpu-starved) delaying the response.'
      : 'Read the plan (EXPLAIN): index the filtered and joined columns, select only the columns needed, paginate ' +
        'large reads, and cache results that are read far more often than they change.',
    how: {
      method: 'exact',
      source:
        'knex query/query-response events, less how late the event loop ran the response (@perf/node runtime timeline)',
    },
  });
}

/** 'db.unbounded-result': a SELECT without LIMIT returning more than unboundedRows rows. */
export function reportUnbounded(
  audit: Audit,
  options: ResolvedOptions,
  system: string,
  shape: SqlShape,
  rows: number,
  site: Error | undefined,
  route?: string,
  time?: { ms: number; allQueryMs: number },
): void {
  const frames = appFrames(site);
  if (suppressed(options, [shape.fingerprint], frames)) return;
  const site0 = frames[0] ? (/\(([^()]+)\)\s*$/.exec(frames[0])?.[1] ?? frames[0]) : undefined;
  audit.finding({
    rule: 'db.unbounded-result',
    key: shape.fingerprint,
    area: 'database',
    severity: rows > 100 * options.unboundedRows ? 'critical' : 'warning',
    title:
      `Unbounded SELECT on ${shape.table ?? 'the database'}${route ? ` in ${route}` : ''} returned ${rows} rows` +
      (site0 ? `, from ${site0}` : ''),
    message:
      `\`${shape.text.slice(0, 300)}\` has no LIMIT and returned ${rows} rows (threshold ${options.unboundedRows})` +
      (route ? ` under ${route}` : '') +
      (frames[0] ? `, called from ${frames[0]}` : '') +
      '; the result grows with the table.',
    evidence: {
      samples: [shape.text.slice(0, 4096)],
      ...(frames.length ? { stack: frames } : {}),
      attributes: {
        'db.system.name': system,
        'db.query.fingerprint': shape.fingerprint,
        ...(shape.table ? { 'db.collection.name': shape.table } : {}),
      },
      details: {
        rows,
        threshold: options.unboundedRows,
        route: route ?? null,
        callSite: frames[0] ?? null,
      },
    },
    ...(time && time.allQueryMs > 0
      ? {
          impact: {
            share: Math.min(1, Math.round((time.ms / time.allQueryMs) * 1000) / 1000),
            of: 'query time' as const,
            ...(route ? { scope: route } : {}),
            basis:
              "the statement's time over all query time seen; no saving estimated: a page's cost depends on the page size chosen",
          },
        }
      : {}),
    recommendation:
      'Paginate (keyset: WHERE id > ? ORDER BY id LIMIT n, or LIMIT/OFFSET for small pages), or aggregate in SQL ' +
      'instead of loading every row into the app.',
    how: { method: 'exact', source: 'knex query-response events (rows in the result)' },
  });
}
