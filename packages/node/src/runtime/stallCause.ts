/**
 * Why the loop stalled, from what its thread did meanwhile:
 * - `cpu`: JavaScript or native code ran on the thread (a true block);
 * - `starved`: the thread was runnable but waited for a core (host contention or cgroup throttling);
 * - `off-cpu`: neither: it slept in a blocking call (sync fs, Atomics.wait, a native addon);
 * - `unknown`: no per-thread scheduler numbers (not Linux).
 */
export type StallCause = 'cpu' | 'starved' | 'off-cpu' | 'unknown';

/** Per-thread time spent over an interval, ms. */
export interface ThreadDelta {
  cpuMs: number;
  waitMs: number;
  /** The cgroup's throttled time over the interval (0 without a CPU quota). */
  throttledMs: number;
}

/** A stall split by what the thread did during it. */
export interface StallBreakdown {
  cause: StallCause;
  /** On a CPU during the stall, ms. */
  cpuMs: number;
  /** Runnable, waiting for a CPU, ms. */
  waitMs: number;
  /** Neither (asleep in a blocking call), ms. */
  offMs: number;
  /** The stall as it would have been on a free core (on-CPU plus off-CPU time), ms. */
  ownMs: number;
  /** The process's cgroup was throttled during the stall, ms. */
  throttledMs: number;
}

/**
 * Splits a stall of `lateMs` that ended an interval of `intervalMs` (the monitor's tick period plus the
 * lateness) by the thread's `delta` over that interval. The part of the interval before the tick was due
 * (`intervalMs - lateMs`) is not the stall: it is taken first from off-CPU time (an idle loop sleeps in
 * epoll), then from CPU and wait in proportion. The stall is the app's own when what remains of it on a free
 * core (CPU + off-CPU) still reaches the threshold; otherwise the wait for a core made it one.
 */
export function classifyStall(
  lateMs: number,
  intervalMs: number,
  delta: ThreadDelta | undefined,
  thresholdMs: number,
): StallBreakdown {
  if (!delta) return { cause: 'unknown', cpuMs: 0, waitMs: 0, offMs: 0, ownMs: lateMs, throttledMs: 0 };
  const cpu = Math.max(0, delta.cpuMs);
  const wait = Math.max(0, delta.waitMs);
  const off = Math.max(0, intervalMs - cpu - wait);
  const before = Math.max(0, intervalMs - lateMs);
  const rest = Math.max(0, before - off);
  const busy = cpu + wait;
  const cpuMs = Math.max(0, cpu - (busy > 0 ? (rest * cpu) / busy : 0));
  const waitMs = Math.max(0, wait - (busy > 0 ? (rest * wait) / busy : 0));
  const offMs = Math.max(0, off - before);
  const ownMs = cpuMs + offMs;
  let cause: StallCause;
  if (ownMs >= thresholdMs) cause = cpuMs >= offMs ? 'cpu' : 'off-cpu';
  else if (waitMs >= cpuMs && waitMs >= offMs) cause = 'starved';
  else cause = cpuMs >= offMs ? 'cpu' : 'off-cpu';
  return { cause, cpuMs, waitMs, offMs, ownMs, throttledMs: Math.max(0, delta.throttledMs) };
}
