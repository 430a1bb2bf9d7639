import type { FindingInput, Impact } from '@perf/core';
import { RECOMMENDATIONS } from '../recommendations.js';
import type { StallBreakdown } from './stallCause.js';
import type { Stall } from './stallDetector.js';

/** The stall causes that are the app's own (a starved stall is node.cpu-starved's). */
export type OwnStallCause = 'cpu' | 'off-cpu' | 'unknown';

const MAX_GROUPS = 50;
const MAX_ROUTES = 20;
const UNATTRIBUTED = '(route not known)';
const STARTUP = '(start-up)';

/** Every stall of one cause in one route (or in no route that could be told). */
interface StallGroup {
  cause: OwnStallCause;
  /** 'METHOD route' that ran the blocking code, when it could be told. */
  culprit: string | undefined;
  /** Stalls before the first request: start-up work, which delays readiness, not requests. */
  startup: boolean;
  stalls: number;
  totalMs: number;
  maxMs: number;
  maxOwnMs: number;
  /** Stalls with a scheduler split (Linux), and its sums. */
  measured: number;
  cpuMs: number;
  waitMs: number;
  offMs: number;
  /** 'METHOD route' -> requests held up (in flight through a stall), summed over the stalls. */
  routes: Map<string, number>;
  /** 'METHOD route' -> time its requests spent inside the stalls, summed, ms (every route in flight). */
  delay: Map<string, number>;
}

/** What the HTTP registry knows of the routes a stall hit: their total request time, ms. */
export type RequestTimeOf = (routes: string[]) => number | undefined;

/**
 * The app's own stalls grouped by cause: one `node.event-loop-blocked` (cpu, or unknown off Linux) or
 * `node.event-loop-off-cpu` finding per cause and per route that ran the blocking code where that can be told,
 * with every route the stalls hit, the count, the longest and the total. A stall whose culprit cannot be told
 * (several routes were in flight through it) joins the cause's one group whose route was among them, else the
 * cause's unattributed group.
 */
export class BlockedStalls {
  private readonly groups = new Map<string, StallGroup>();
  dropped = 0;

  constructor(private readonly thresholdMs: number) {}

  /** Adds a stall and answers the finding of its group as of now (undefined past the cap on groups). */
  add(
    stall: Stall,
    cause: OwnStallCause,
    b: StallBreakdown | undefined,
    context: { wallMs: number; requestTime?: RequestTimeOf; source: string },
  ): FindingInput | undefined {
    const g = this.groupFor(stall, cause);
    if (!g) {
      this.dropped++;
      return undefined;
    }
    const own = b && cause !== 'unknown' ? b.ownMs : stall.durationMs;
    g.stalls++;
    g.totalMs += stall.durationMs;
    if (stall.durationMs > g.maxMs) g.maxMs = stall.durationMs;
    if (own > g.maxOwnMs) g.maxOwnMs = own;
    if (b && cause !== 'unknown') {
      g.measured++;
      g.cpuMs += b.cpuMs;
      g.waitMs += b.waitMs;
      g.offMs += b.offMs;
    }
    for (const [route, n] of stall.routes) {
      if (g.routes.has(route) || g.routes.size < MAX_ROUTES)
        g.routes.set(route, (g.routes.get(route) ?? 0) + n);
    }
    const delay =
      stall.requestDelay ?? new Map([...stall.routes].map(([r, n]) => [r, n * stall.durationMs] as const));
    for (const [route, ms] of delay) {
      if (g.delay.has(route) || g.delay.size < MAX_ROUTES) g.delay.set(route, (g.delay.get(route) ?? 0) + ms);
    }
    return this.finding(g, context);
  }

  private groupFor(stall: Stall, cause: OwnStallCause): StallGroup | undefined {
    // Only a certain culprit (the one route held through the stall) names a group; a guess does not, since the
    // blocking request may go on after the block while one it held up finishes first.
    let culprit = stall.startup || stall.culpritGuessed ? undefined : stall.culprit;
    if (culprit === undefined && !stall.startup) {
      // Several routes held through it: the cause's one known culprit among them, if there is exactly one.
      const known = [...this.groups.values()].filter(
        (g) => g.cause === cause && g.culprit !== undefined && stall.routes.has(g.culprit),
      );
      if (known.length === 1) culprit = known[0]!.culprit;
    }
    const key = `${cause} ${stall.startup ? STARTUP : (culprit ?? UNATTRIBUTED)}`;
    let g = this.groups.get(key);
    if (g) return g;
    if (this.groups.size >= MAX_GROUPS) return undefined;
    g = {
      cause,
      culprit,
      startup: stall.startup === true,
      stalls: 0,
      totalMs: 0,
      maxMs: 0,
      maxOwnMs: 0,
      measured: 0,
      cpuMs: 0,
      waitMs: 0,
      offMs: 0,
      routes: new Map(),
      delay: new Map(),
    };
    this.groups.set(key, g);
    return g;
  }

  private finding(
    g: StallGroup,
    context: { wallMs: number; requestTime?: RequestTimeOf; source: string },
  ): FindingInput {
    const offCpu = g.cause === 'off-cpu';
    const routes = [...g.routes.entries()].sort((x, y) => y[1] - x[1]);
    const names = routes.map(([r]) => r);
    const max = Math.round(g.maxMs);
    const total = Math.round(g.totalMs);
    const once = g.stalls === 1;
    const length = once ? `for ${max} ms` : `${g.stalls} times (longest ${max} ms, ${total} ms in all)`;
    const where = g.startup
      ? ' at start-up, before the first request'
      : g.culprit
        ? ` in ${g.culprit}`
        : names.length
          ? ` while serving ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}`
          : '';
    const split =
      g.measured > 0
        ? `${once ? ' During it' : ` Over the ${g.measured === g.stalls ? '' : `${g.measured} measured `}stalls`} the thread was on a CPU ` +
          `${Math.round(g.cpuMs)} ms, waiting for a core ${Math.round(g.waitMs)} ms and asleep in a blocking call ` +
          `${Math.round(g.offMs)} ms.`
        : ' (No per-thread scheduler numbers on this platform: the cause is not measured.)';
    const who = g.startup
      ? ' No request had arrived yet: this is start-up work (module loading, compilation, warm-up). It delays the ' +
        "process's readiness (a cold start), not its requests."
      : g.culprit
        ? ` ${g.culprit} was in flight through ${once ? 'it' : 'each'} and is the route that most likely ran the blocking code.`
        : ` Which route ran the blocking code is not known (several routes, or none, were in flight through ${once ? 'it' : 'them'}): the CPU profile (cpuProfile option) shows it.`;
    const stalls = once
      ? `A ${max} ms stall (threshold ${this.thresholdMs} ms)`
      : `${g.stalls} stalls, the longest ${max} ms, ${total} ms in all (threshold ${this.thresholdMs} ms)`;
    const attrRoute = g.culprit ?? (names.length === 1 ? names[0] : undefined);
    const space = attrRoute?.indexOf(' ') ?? -1;
    return {
      rule: offCpu ? 'node.event-loop-off-cpu' : 'node.event-loop-blocked',
      key: `${g.cause} ${g.startup ? STARTUP : (g.culprit ?? UNATTRIBUTED)}`,
      area: 'backend',
      severity: g.startup ? 'info' : g.maxOwnMs >= this.thresholdMs * 10 ? 'critical' : 'warning',
      title: offCpu
        ? `Event loop asleep in a blocking call ${length}${where}`
        : `Event loop blocked ${length}${where}`,
      message:
        (offCpu
          ? `${stalls}${once ? '' : ','} in which the thread neither ran nor waited for a core: it slept in a synchronous ` +
            'call (sync fs or child_process, Atomics.wait, a native addon, a major page fault). No other request, ' +
            'timer or I/O callback ran meanwhile.'
          : `${stalls}: no other request, timer or I/O callback ran meanwhile. Synchronous work on the ` +
            'loop is the usual cause.') +
        split +
        who +
        (names.length
          ? ` Requests held up, by route: ${routes
              .slice(0, 5)
              .map(([r, n]) => `${r} ${n}`)
              .join(', ')}.`
          : ''),
      evidence: {
        metrics: [
          {
            name: 'nodejs.eventloop.stall.duration',
            attributes: { 'nodejs.eventloop.stall.cause': g.cause },
            statistic: 'max',
            value: g.maxMs,
            unit: 'ms',
          },
        ],
        ...(attrRoute && space > 0
          ? {
              attributes: {
                'http.request.method': attrRoute.slice(0, space),
                'http.route': attrRoute.slice(space + 1),
              },
            }
          : {}),
        details: {
          cause: g.cause,
          stalls: g.stalls,
          stallMs: g.maxMs,
          totalStallMs: g.totalMs,
          thresholdMs: this.thresholdMs,
          blockingRoute: g.culprit ?? null,
          ...(g.measured > 0
            ? { onCpuMs: g.cpuMs, waitingForCpuMs: g.waitMs, offCpuMs: g.offMs, measuredStalls: g.measured }
            : {}),
          routesHit: Object.fromEntries(routes),
          requestDelayMs: sum(g.delay.values()),
        },
      },
      recommendation: g.startup
        ? RECOMMENDATIONS.startupBlocked
        : offCpu
          ? RECOMMENDATIONS.eventLoopOffCpu
          : RECOMMENDATIONS.eventLoopBlocked,
      impact: this.impact(g, context),
      how: { method: 'sampled', source: context.source },
    };
  }

  /**
   * The time requests spent inside the stalls as a share of those routes' request time, where the HTTP registry
   * knows it; else the stalls' share of wall time since the collector started. The saving is the stall time.
   */
  private impact(g: StallGroup, context: { wallMs: number; requestTime?: RequestTimeOf }): Impact {
    const wallShare = context.wallMs > 0 ? Math.min(1, g.totalMs / context.wallMs) : 1;
    const wall = `${Math.round(g.totalMs)} ms of stalls in ${Math.round(context.wallMs)} ms of wall time (${pct(wallShare)})`;
    const byDelay = [...g.delay.entries()].sort((x, y) => y[1] - x[1]).map(([r]) => r);
    const requestMs = byDelay.length ? context.requestTime?.(byDelay) : undefined;
    const delayMs = sum(g.delay.values());
    if (requestMs !== undefined && requestMs > 0) {
      const more = byDelay.length > 5 ? ` and ${byDelay.length - 5} more` : '';
      return {
        share: Math.min(1, delayMs / requestMs),
        of: 'request time',
        scope: `${byDelay.slice(0, 5).join(', ')}${more}`.slice(0, 512),
        savingMs: g.totalMs,
        basis:
          `Requests in flight spent ${Math.round(delayMs)} ms inside the stalls, of the ${Math.round(requestMs)} ms ` +
          `those routes' requests took; ${wall}.`,
      };
    }
    return {
      share: wallShare,
      of: 'wall time',
      ...(g.culprit ? { scope: g.culprit } : {}),
      savingMs: g.totalMs,
      basis: `The loop ran nothing else during the stalls: ${wall}.`,
    };
  }
}

const sum = (xs: Iterable<number>) => {
  let n = 0;
  for (const x of xs) n += x;
  return n;
};
const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
