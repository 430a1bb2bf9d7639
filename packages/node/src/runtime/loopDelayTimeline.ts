import type { LoopDelaySource } from '@perf/core';

/**
 * The last `capacity` intervals during which the loop ran late (from each monitor tick: [due, ran]), in a
 * ring buffer, so another collector can ask how much of a time span the loop's delay explains.
 */
export class LoopDelayTimeline implements LoopDelaySource {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private next = 0;
  private size = 0;
  coveredUntil: number;

  constructor(
    readonly periodMs: number,
    private readonly capacity = 2048,
  ) {
    this.starts = new Float64Array(capacity);
    this.ends = new Float64Array(capacity);
    this.coveredUntil = performance.now();
  }

  /** A tick that ran at `end`, `lateMs` after it was due. */
  add(end: number, lateMs: number): void {
    this.coveredUntil = end;
    if (!(lateMs > 0.5)) return;
    this.starts[this.next] = end - lateMs;
    this.ends[this.next] = end;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  delayDuring(start: number, end: number): number {
    if (!(end > start)) return 0;
    let ms = 0;
    // Newest first; intervals end in increasing order, so stop once one ends before `start`.
    for (let k = 1; k <= this.size; k++) {
      const i = (this.next - k + this.capacity) % this.capacity;
      const e = this.ends[i]!;
      if (e <= start) break;
      const s = this.starts[i]!;
      const overlap = Math.min(e, end) - Math.max(s, start);
      if (overlap > 0) ms += overlap;
    }
    return Math.min(ms, end - start);
  }
}
