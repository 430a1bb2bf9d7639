import type { HistogramBuckets } from '../schema/metric.js';
import { BucketStore } from './buckets.js';
import { bucketEstimate, MIN_NORMAL, mapToIndex } from './mapping.js';

export interface HistogramOptions {
  /** Starting (and highest) scale. 6 keeps every quantile within 0.54% relative error. */
  maxScale?: number;
  /** Cap on buckets per sign; at scale 6, 2048 buckets span a 2^32 ratio before the scale is lowered. */
  maxBuckets?: number;
}

/** The statistics a histogram exposes and a report carries. */
export interface HistogramSummary {
  count: number;
  sum: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
}

export const DEFAULT_MAX_SCALE = 6;
export const DEFAULT_MAX_BUCKETS = 2048;

/**
 * A mergeable, log-bucketed histogram with fixed memory and O(1) `record`, laid out as OpenTelemetry's
 * base-2 exponential histogram. When a range would need more than `maxBuckets`, the scale drops (pairs of
 * buckets merge) instead of growing memory, exactly as the OTel SDK does, so merges stay exact.
 */
export class Histogram {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  zeroCount = 0;
  /** Non-finite values offered to `record`, dropped and counted. */
  rejected = 0;
  scale: number;
  private readonly positive: BucketStore;
  private readonly negative: BucketStore;
  readonly maxBuckets: number;
  readonly maxScale: number;

  constructor(options: HistogramOptions = {}) {
    this.maxScale = options.maxScale ?? DEFAULT_MAX_SCALE;
    this.maxBuckets = Math.max(2, options.maxBuckets ?? DEFAULT_MAX_BUCKETS);
    this.scale = this.maxScale;
    this.positive = new BucketStore(this.maxBuckets);
    this.negative = new BucketStore(this.maxBuckets);
  }

  /** Records one value (or `n` equal values). NaN and infinities are dropped and counted in `rejected`. */
  record(value: number, n = 1): void {
    if (value - value !== 0) {
      this.rejected += n;
      return;
    }
    this.count += n;
    this.sum += value * n;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    const abs = value < 0 ? -value : value;
    if (abs < MIN_NORMAL) {
      this.zeroCount += n;
      return;
    }
    const store = value > 0 ? this.positive : this.negative;
    let index = mapToIndex(abs, this.scale);
    if (!store.fits(index)) {
      this.downscale(this.scaleReductionFor(store, index));
      index = mapToIndex(abs, this.scale);
    }
    store.increment(index, n);
  }

  /** How many halvings make `index` fit alongside what `store` holds. */
  private scaleReductionFor(store: BucketStore, index: number): number {
    let lo = Math.min(index, store.minIndex);
    let hi = Math.max(index, store.maxIndex);
    let change = 0;
    while (hi - lo + 1 > this.maxBuckets) {
      lo >>= 1;
      hi >>= 1;
      change++;
    }
    return change;
  }

  private downscale(by: number): void {
    if (by <= 0) return;
    this.positive.downscale(by);
    this.negative.downscale(by);
    this.scale -= by;
  }

  /** The value at quantile q in [0, 1] (nearest rank), within the scale's relative error. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    const neg = this.negative;
    if (!neg.empty) {
      for (let i = neg.maxIndex; i >= neg.minIndex; i--) {
        seen += neg.count(i);
        if (seen >= rank) return this.clamp(-bucketEstimate(i, this.scale));
      }
    }
    seen += this.zeroCount;
    if (seen >= rank) return this.clamp(0);
    const pos = this.positive;
    for (let i = pos.minIndex; i <= pos.maxIndex; i++) {
      seen += pos.count(i);
      if (seen >= rank) return this.clamp(bucketEstimate(i, this.scale));
    }
    return this.max;
  }

  private clamp(v: number): number {
    return v < this.min ? this.min : v > this.max ? this.max : v;
  }

  /** Adds this histogram into `target` (the HistogramHandle view of merge). */
  mergeInto(target: Histogram): void {
    target.merge(this);
  }

  /** Adds everything `other` recorded; the result equals recording both streams into one histogram. */
  merge(other: Histogram): this {
    this.rejected += other.rejected;
    if (other.count === 0) return this;
    this.downscale(this.scale - Math.min(this.scale, other.scale));
    this.addBuckets(other.buckets());
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    return this;
  }

  /** Adds serialized buckets recorded at a scale >= this one, lowering the scale only as far as needed. */
  private addBuckets(b: HistogramBuckets): void {
    const add = (store: BucketStore, index: number, c: number) => {
      if (!store.fits(index)) {
        const by = this.scaleReductionFor(store, index);
        this.downscale(by);
        index >>= by;
      }
      store.increment(index, c);
    };
    for (let i = 0; i < b.positive.counts.length; i++) {
      const c = b.positive.counts[i]!;
      if (c) add(this.positive, (b.positive.offset + i) >> (b.scale - this.scale), c);
    }
    for (let i = 0; i < b.negative.counts.length; i++) {
      const c = b.negative.counts[i]!;
      if (c) add(this.negative, (b.negative.offset + i) >> (b.scale - this.scale), c);
    }
    this.zeroCount += b.zeroCount;
  }

  /** Count, sum, min, max, mean and the percentiles a report carries. */
  summary(): HistogramSummary {
    return {
      count: this.count,
      sum: this.sum,
      min: this.min,
      max: this.max,
      mean: this.count ? this.sum / this.count : Number.NaN,
      p50: this.quantile(0.5),
      p75: this.quantile(0.75),
      p90: this.quantile(0.9),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
    };
  }

  /** The mergeable bucket state, in OTLP's layout. */
  buckets(): HistogramBuckets {
    return {
      scale: this.scale,
      zeroCount: this.zeroCount,
      positive: this.positive.snapshot(),
      negative: this.negative.snapshot(),
    };
  }

  /** Rebuilds a histogram from a report's state, so reports merge without loss. */
  static fromBuckets(
    state: { count: number; sum: number; min: number; max: number; buckets: HistogramBuckets },
    options: HistogramOptions = {},
  ): Histogram {
    const h = new Histogram({ ...options, maxScale: Math.min(options.maxScale ?? 20, state.buckets.scale) });
    h.addBuckets(state.buckets);
    h.count = state.count;
    h.sum = state.sum;
    h.min = state.min;
    h.max = state.max;
    return h;
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    this.zeroCount = 0;
    this.rejected = 0;
    this.scale = this.maxScale;
    this.positive.clear();
    this.negative.clear();
  }

  /** Approximate heap bytes held, for memory benchmarks. */
  get bytes(): number {
    return this.positive.bytes + this.negative.bytes + 96;
  }
}
