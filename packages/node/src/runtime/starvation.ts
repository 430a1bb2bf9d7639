import type { FindingInput } from '@perf/core';
import type { Stall } from './stallDetector.js';

const MAX_ROUTES = 20;
/**
 * Sampling intervals of consecutive starved windows before the wait alone (no starved stall) is a finding:
 * more than one, since one busy second is not starvation. Counted in time, since a window that a long stall
 * held open spans several intervals (1.5: two windows of a little under one interval each count).
 */
export const STARVED_INTERVALS = 1.5;
/** Starved stalls before they alone make a finding. */
export const STARVED_STALLS = 2;
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/**
 * How much wall time the JS thread lost waiting for a CPU, over the audit so far: per window (schedstat's
 * run-queue wait over wall time) and per starved stall. One `node.cpu-starved` finding per kind: `throttled`
 * when the process's cgroup hit its CPU quota meanwhile, `contended` when other work on the host held the core.
 */
export class Starvation {
  wallMs = 0;
  waitMs = 0;
  throttledMs = 0;
  worstShare = 0;
  stalls = 0;
  longestStallMs = 0;
  /** CPU time the process's other threads (libuv pool, GC helpers, workers) used in the windows, ms. */
  otherThreadsCpuMs = 0;
  /** Wall time of the consecutive windows at or over the ratio, up to now, ms. */
  starvedRunMs = 0;
  private readonly routes = new Map<string, number>();

  /**
   * One window: the JS thread's wait for a core, the cgroup's throttled time, and the CPU the process's other
   * threads used. Answers the wait's share of the window's wall time.
   */
  addWindow(
    wallMs: number,
    waitMs: number,
    throttledMs: number,
    otherThreadsCpuMs: number,
    ratio: number,
  ): number {
    const share = wallMs > 0 ? Math.min(1, waitMs / wallMs) : 0;
    this.wallMs += wallMs;
    this.waitMs += waitMs;
    this.throttledMs += throttledMs;
    this.otherThreadsCpuMs += Math.max(0, otherThreadsCpuMs);
    if (share > this.worstShare) this.worstShare = share;
    this.starvedRunMs = share >= ratio ? this.starvedRunMs + wallMs : 0;
    return share;
  }

  /** A stall the wait for a core made. */
  addStall(stall: Stall): void {
    this.stalls++;
    if (stall.durationMs > this.longestStallMs) this.longestStallMs = stall.durationMs;
    this.addRoutes(stall.routes);
  }

  addRoutes(routes: Map<string, number>): void {
    for (const [route, n] of routes) {
      if (this.routes.has(route) || this.routes.size < MAX_ROUTES)
        this.routes.set(route, (this.routes.get(route) ?? 0) + n);
    }
  }

  /** The finding, as of now. `quota` is the cgroup's CPU limit when one applies. */
  finding(throttled: boolean, quota: number | undefined, source: string): FindingInput {
    const overall = this.wallMs > 0 ? this.waitMs / this.wallMs : 0;
    const routes = [...this.routes.entries()].sort((a, b) => b[1] - a[1]);
    const names = routes.map(([r]) => r);
    const why = throttled
      ? `its cgroup's CPU limit${quota !== undefined ? ` (${quota.toFixed(2)} CPU)` : ''} throttled it for ${Math.round(this.throttledMs)} ms`
      : 'other work on the host held the core (the cgroup did not throttle it)';
    const own =
      this.otherThreadsCpuMs >= this.waitMs / 4
        ? ` Meanwhile this process's own other threads (libuv pool: compression, crypto, fs; GC helpers; workers) used ${Math.round(this.otherThreadsCpuMs)} ms of CPU: on a single core they compete with the event loop too.`
        : '';
    const stalls = this.stalls
      ? ` ${this.stalls} event-loop stall(s), the longest ${Math.round(this.longestStallMs)} ms, came from this wait, not from the app's code.`
      : '';
    return {
      rule: 'node.cpu-starved',
      key: throttled ? 'throttled' : 'contended',
      area: 'backend',
      // The host's doing, not the app's: it never fails a run's status on its own (a busy CI host would).
      severity: 'warning',
      title: `CPU starved: the JS thread waited for a core ${pct(overall)} of the time (${throttled ? 'cgroup CPU limit' : 'host contended'})`,
      message:
        `The event-loop thread was runnable but not running for ${Math.round(this.waitMs)} ms of ` +
        `${Math.round(this.wallMs)} ms (worst window ${pct(this.worstShare)}): ${why}.${own}${stalls} ` +
        'Latency and query times measured meanwhile include this wait; stalls and queries it explains are not ' +
        'reported as blocking or slow.' +
        (names.length ? ` Routes affected: ${names.slice(0, 5).join(', ')}.` : ''),
      evidence: {
        metrics: [{ name: 'process.cpu.starvation', statistic: 'max', value: this.worstShare, unit: '1' }],
        details: {
          waitShare: overall,
          worstWindowWaitShare: this.worstShare,
          waitMs: this.waitMs,
          wallMs: this.wallMs,
          throttledMs: this.throttledMs,
          otherThreadsCpuMs: this.otherThreadsCpuMs,
          cpuQuota: quota ?? null,
          starvedStalls: this.stalls,
          longestStarvedStallMs: this.longestStallMs,
          routesAffected: Object.fromEntries(routes),
        },
      },
      recommendation: throttled
        ? 'The CPU limit is too low for this load: raise the container/cgroup CPU quota, or lower the work per ' +
          'process (fewer workers per pod, move CPU-heavy work to a job queue). Fixing it removes the wait from ' +
          'every request and query.'
        : 'Other processes compete for this core: run fewer processes per core (cluster workers, sidecars, CI ' +
          'jobs), give the service dedicated CPU (a CPU request/limit, cpuset), or move it to a less loaded host. ' +
          'Fixing it removes the wait from every request and query.',
      impact: {
        share: Math.min(1, overall),
        of: 'wall time',
        ...(names.length ? { scope: names.slice(0, 5).join(', ').slice(0, 512) } : {}),
        savingMs: this.waitMs,
        basis:
          `The JS thread waited for a core ${Math.round(this.waitMs)} ms of ${Math.round(this.wallMs)} ms of ` +
          "wall time (schedstat's run-queue wait); every request and query in flight meanwhile waited too.",
      },
      how: { method: 'sampled', source },
    };
  }
}
