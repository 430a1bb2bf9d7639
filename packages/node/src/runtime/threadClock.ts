import { type CpuCgroup, cpuCgroup, quotaOf, throttlingOf } from './cgroupCpu.js';
import type { ThreadDelta } from './stallCause.js';
import { ThreadSchedStat } from './threadSchedStat.js';

/** Cumulative per-thread readings at one instant. */
interface Reading {
  cpuMs: number;
  waitMs: number;
  throttledMs: number;
}

/**
 * The JS thread's on-CPU and run-queue time (schedstat) and its cgroup's throttled time, read as deltas from
 * the previous read. Throttling is read only when the cgroup has a CPU quota (nothing can throttle otherwise).
 * Must be created on the thread it measures. `available` is false off Linux.
 */
export class ThreadClock {
  private readonly sched = ThreadSchedStat.open();
  private readonly group: CpuCgroup | undefined;
  private last: Reading | undefined;

  constructor() {
    const group = this.sched ? cpuCgroup() : undefined;
    this.group = group && quotaOf(group) !== undefined ? group : undefined;
    this.last = this.read();
  }

  get available(): boolean {
    return this.last !== undefined;
  }

  /** Whether a CPU quota applies, so a starved thread may have been throttled. */
  get limited(): boolean {
    return this.group !== undefined;
  }

  private read(): Reading | undefined {
    const s = this.sched?.read();
    if (!s) return undefined;
    const t = this.group ? throttlingOf(this.group) : undefined;
    return { cpuMs: s.cpuMs, waitMs: s.waitMs, throttledMs: t?.throttledMs ?? 0 };
  }

  /** What the thread did since the previous call (undefined when not measurable). */
  delta(): ThreadDelta | undefined {
    const now = this.read();
    const prev = this.last;
    this.last = now;
    if (!now || !prev) return undefined;
    return {
      cpuMs: now.cpuMs - prev.cpuMs,
      waitMs: now.waitMs - prev.waitMs,
      throttledMs: now.throttledMs - prev.throttledMs,
    };
  }

  close(): void {
    this.sched?.close();
    this.last = undefined;
  }
}
