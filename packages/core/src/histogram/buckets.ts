/**
 * A dense, growable window of bucket counts for one sign. Indices are absolute bucket indices;
 * the window grows by doubling up to `maxSize`, so `increment` is amortised O(1) and memory is capped.
 */
export class BucketStore {
  private counts = new Float64Array(0);
  /** Absolute index held by counts[0]. */
  private base = 0;
  minIndex = 0;
  maxIndex = -1;

  constructor(private readonly maxSize: number) {}

  get empty(): boolean {
    return this.maxIndex < this.minIndex;
  }

  /** Whether `index` fits without exceeding maxSize buckets. */
  fits(index: number): boolean {
    if (this.empty) return true;
    const lo = index < this.minIndex ? index : this.minIndex;
    const hi = index > this.maxIndex ? index : this.maxIndex;
    return hi - lo + 1 <= this.maxSize;
  }

  /** Adds n to bucket `index`; the caller has checked `fits(index)`. */
  increment(index: number, n = 1): void {
    if (this.empty) {
      this.minIndex = index;
      this.maxIndex = index;
      if (this.counts.length === 0) this.counts = new Float64Array(Math.min(64, this.maxSize));
      this.base = index - (this.counts.length >> 1);
    } else if (index < this.minIndex) {
      this.minIndex = index;
    } else if (index > this.maxIndex) {
      this.maxIndex = index;
    }
    let slot = index - this.base;
    if (slot < 0 || slot >= this.counts.length) {
      this.regrow();
      slot = index - this.base;
    }
    this.counts[slot]! += n;
  }

  private regrow(): void {
    const range = this.maxIndex - this.minIndex + 1;
    let size = this.counts.length;
    while (size < range * 2 && size < this.maxSize) size *= 2;
    size = Math.max(Math.min(size, this.maxSize), range);
    const next = new Float64Array(size);
    const nextBase = this.minIndex - ((size - range) >> 1);
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i]!;
      if (c !== 0) next[this.base + i - nextBase] = c;
    }
    this.counts = next;
    this.base = nextBase;
  }

  count(index: number): number {
    const slot = index - this.base;
    return slot >= 0 && slot < this.counts.length ? this.counts[slot]! : 0;
  }

  /** Merges pairs of buckets `by` times (index >> by), as a scale reduction requires. */
  downscale(by: number): void {
    if (by <= 0 || this.empty) return;
    const old = this.snapshot();
    this.clear();
    for (let i = 0; i < old.counts.length; i++) {
      const c = old.counts[i]!;
      if (c !== 0) this.increment((old.offset + i) >> by, c);
    }
  }

  clear(): void {
    this.counts.fill(0);
    this.minIndex = 0;
    this.maxIndex = -1;
  }

  /** The used range as OTLP lays it out: counts[i] belongs to bucket offset + i. */
  snapshot(): { offset: number; counts: number[] } {
    if (this.empty) return { offset: 0, counts: [] };
    const counts: number[] = new Array(this.maxIndex - this.minIndex + 1);
    for (let i = this.minIndex; i <= this.maxIndex; i++) counts[i - this.minIndex] = this.count(i);
    return { offset: this.minIndex, counts };
  }

  /** Heap bytes held by the counts (the bounded part of a histogram's memory). */
  get bytes(): number {
    return this.counts.byteLength;
  }
}
