import type { LoopDelaySource } from '@perf/core';

/**
 * The monitor's last `capacity` ticks in a ring buffer: when each ran, how late, and how long the JS thread was
 * on a CPU and waited for a core since the tick before. Another collector asks it what part of a time span the loop's
 * delay explains.
 */
export class LoopDelayTimeline implements LoopDelaySource {
  private readonly ends: Float64Array;
  private readonly lates: Float64Array;
  private readonly waits: Float64Array;
  private readonly busy: Float64Array;
  private next = 0;
  private size = 0;
  coveredUntil: number;

  constructor(
    readonly periodMs: number,
    private readonly capacity = 2048,
  ) {
    this.ends = new Float64Array(capacity);
    this.lates = new Float64Array(capacity);
    this.waits = new Float64Array(capacity);
    this.busy = new Float64Array(capacity);
    this.coveredUntil = performance.now();
  }

  /**
   * A tick that ran at `end`, `lateMs` after it was due; since the last one the thread waited `waitMs` for a
   * core and ran `cpuMs` on one (unknown: 0).
   */
  add(end: number, lateMs: number, waitMs = 0, cpuMs = 0): void {
    this.ends[this.next] = end;
    this.lates[this.next] = Math.max(0, lateMs);
    this.waits[this.next] = Math.max(0, waitMs);
    this.busy[this.next] = Math.max(0, waitMs) + Math.max(0, cpuMs);
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    this.coveredUntil = end;
  }

  callbackDelay(start: number, end: number): number {
    // The oldest tick at or after `end`: if `end` fell in its late window, the loop had been overdue since then.
    let hit = -1;
    for (let k = 1; k <= this.size; k++) {
      const i = (this.next - k + this.capacity) % this.capacity;
      if (this.ends[i]! < end) break;
      hit = i;
    }
    if (hit < 0) return 0;
    const due = this.ends[hit]! - this.lates[hit]!;
    return end > due ? end - Math.max(start, due) : 0;
  }

  waitDuring(start: number, end: number): number {
    return this.sum(start, end, (prev, t, _late, wait) => spread(wait, prev, t, start, end));
  }

  delayDuring(start: number, end: number): number {
    return this.sum(start, end, (prev, t, late, _wait, busy) => {
      // The late window is the loop's for certain; otherwise its busy time (other callbacks on a CPU, or
      // waiting for one), spread evenly over the interval, is time a callback due then could not run.
      const lateOverlap = Math.max(0, Math.min(t, end) - Math.max(t - late, start));
      return Math.max(lateOverlap, spread(busy, prev, t, start, end));
    });
  }

  /** Sums `part` over the tick intervals (prev, t] that end after `start`, newest first, capped at the span. */
  private sum(
    start: number,
    end: number,
    part: (prev: number, t: number, lateMs: number, waitMs: number, busyMs: number) => number,
  ): number {
    if (!(end > start)) return 0;
    let ms = 0;
    for (let k = 1; k < this.size; k++) {
      const i = (this.next - k + this.capacity) % this.capacity;
      const t = this.ends[i]!;
      if (t <= start) break;
      const prev = this.ends[(i - 1 + this.capacity) % this.capacity]!;
      ms += part(prev, t, this.lates[i]!, this.waits[i]!, this.busy[i]!);
    }
    return Math.min(ms, end - start);
  }
}

/** `ms` spread evenly over the interval (prev, t], the part of it inside [start, end]. */
function spread(ms: number, prev: number, t: number, start: number, end: number): number {
  if (!(t > prev)) return 0;
  const overlap = Math.max(0, Math.min(t, end) - Math.max(prev, start));
  return (Math.min(ms, t - prev) * overlap) / (t - prev);
}
