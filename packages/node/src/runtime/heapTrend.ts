import { linearTrend, type Trend } from './leakTrend.js';

/** Heap-used-after-major-GC samples within a time window, bounded in number. */
export class HeapAfterGc {
  private t: number[] = [];
  private y: number[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly maxSamples = 240,
  ) {}

  add(bytes: number, at: number): void {
    this.t.push(at);
    this.y.push(bytes);
    const cutoff = at - this.windowMs;
    let drop = 0;
    while (drop < this.t.length && this.t[drop]! < cutoff) drop++;
    if (this.t.length - drop > this.maxSamples) drop = this.t.length - this.maxSamples;
    if (drop > 0) {
      this.t = this.t.slice(drop);
      this.y = this.y.slice(drop);
    }
  }

  get size(): number {
    return this.t.length;
  }

  get spanMs(): number {
    return this.t.length > 1 ? this.t[this.t.length - 1]! - this.t[0]! : 0;
  }

  get first(): number | undefined {
    return this.y[0];
  }

  get last(): number | undefined {
    return this.y[this.y.length - 1];
  }

  /** The fitted trend (slope in bytes per ms). */
  trend(): Trend | undefined {
    return linearTrend(this.t, this.y);
  }
}
