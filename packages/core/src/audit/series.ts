import { Histogram } from '../histogram/histogram.js';
import type {
  Area,
  Attributes,
  CounterMetric,
  GaugeMetric,
  HistogramMetric,
  Metric,
  MetricKind,
} from '../schema/index.js';
import { Timeline } from './timeline.js';

/** Identity of a series, shared by every kind. */
export interface SeriesMeta {
  name: string;
  area: Area;
  unit: string;
  description?: string;
  attributes: Attributes;
}

/** The live state of one metric series; `toMetric` serializes it, `absorb` merges a serialized one in. */
export interface Series {
  readonly kind: MetricKind;
  readonly meta: SeriesMeta;
  toMetric(windowMs: number, startTime: number): Metric | undefined;
  absorb(metric: Metric, runId?: string): void;
  reset(): void;
}

const base = (meta: SeriesMeta) => ({
  name: meta.name,
  area: meta.area,
  unit: meta.unit,
  ...(meta.description ? { description: meta.description } : {}),
  attributes: meta.attributes,
});

/** Bound on the per-run summaries a merged histogram keeps for the diff's noise guard. */
const MAX_RUNS = 1000;

export class HistogramSeries implements Series {
  readonly kind = 'histogram' as const;
  readonly histogram = new Histogram();
  runs: { runId: string; p50: number; p95: number }[] = [];
  constructor(readonly meta: SeriesMeta) {}

  toMetric(): HistogramMetric | undefined {
    const h = this.histogram;
    if (h.count === 0) return undefined;
    return {
      ...base(this.meta),
      kind: 'histogram',
      ...h.summary(),
      buckets: h.buckets(),
      ...(this.runs.length > 1 ? { runs: this.runs } : {}),
    };
  }

  absorb(metric: Metric, runId?: string): void {
    if (metric.kind !== 'histogram') return;
    this.histogram.merge(Histogram.fromBuckets(metric));
    if (runId === undefined) return;
    const runs = metric.runs ?? [{ runId, p50: metric.p50, p95: metric.p95 }];
    for (const r of runs) if (this.runs.length < MAX_RUNS) this.runs.push(r);
  }

  reset(): void {
    this.histogram.reset();
    this.runs = [];
  }
}

export class GaugeSeries implements Series {
  readonly kind = 'gauge' as const;
  value = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  sum = 0;
  samples = 0;
  readonly timeline: Timeline;
  constructor(
    readonly meta: SeriesMeta,
    timelinePoints: number,
    private readonly clock: () => number,
  ) {
    this.timeline = new Timeline(timelinePoints);
  }

  set(value: number): void {
    if (value - value !== 0) return;
    this.value = value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.sum += value;
    this.samples++;
    this.timeline.add(this.clock(), value);
  }

  toMetric(_windowMs: number, startTime: number): GaugeMetric | undefined {
    if (this.samples === 0) return undefined;
    const tl = this.timeline;
    return {
      ...base(this.meta),
      kind: 'gauge',
      value: this.value,
      min: this.min,
      max: this.max,
      mean: this.sum / this.samples,
      samples: this.samples,
      ...(tl.t.length > 1
        ? { timeline: { t: tl.t.map((t) => Math.round(t - startTime)), v: tl.v.slice() } }
        : {}),
    };
  }

  absorb(metric: Metric): void {
    if (metric.kind !== 'gauge') return;
    this.value = metric.value;
    if (metric.min < this.min) this.min = metric.min;
    if (metric.max > this.max) this.max = metric.max;
    this.sum += metric.mean * metric.samples;
    this.samples += metric.samples;
  }

  reset(): void {
    this.value = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    this.sum = 0;
    this.samples = 0;
    this.timeline.clear();
  }
}

export class CounterSeries implements Series {
  readonly kind = 'counter' as const;
  value = 0;
  constructor(readonly meta: SeriesMeta) {}

  add(n = 1): void {
    if (n - n === 0) this.value += n;
  }

  toMetric(windowMs: number): CounterMetric | undefined {
    return {
      ...base(this.meta),
      kind: 'counter',
      value: this.value,
      rate: windowMs > 0 ? this.value / (windowMs / 1000) : 0,
    };
  }

  absorb(metric: Metric): void {
    if (metric.kind === 'counter') this.value += metric.value;
  }

  reset(): void {
    this.value = 0;
  }
}
