import { z } from 'zod';
import { AreaSchema, AttributesSchema } from './common.js';

/**
 * One side (positive or negative values) of an OpenTelemetry base-2 exponential histogram:
 * counts[i] is the number of values in bucket (offset + i), i.e. in (base^(offset+i), base^(offset+i+1)].
 */
export const BucketsSchema = z.object({
  offset: z.number().int(),
  counts: z.array(z.number().int().nonnegative()).max(65_536),
});

/** The mergeable state of a histogram, laid out exactly as OTLP's ExponentialHistogramDataPoint. */
export const HistogramBucketsSchema = z.object({
  scale: z.number().int().min(-10).max(20),
  zeroCount: z.number().int().nonnegative(),
  positive: BucketsSchema,
  negative: BucketsSchema,
});
export type HistogramBuckets = z.infer<typeof HistogramBucketsSchema>;

const MetricBase = z.object({
  name: z.string().min(1).max(256),
  area: AreaSchema,
  /** 'ms', 'B', '1' (a fraction), '/s', '/h', or a count unit such as '{request}'. */
  unit: z.string().max(32),
  description: z.string().max(1024).optional(),
  attributes: AttributesSchema,
});

/** Per-run percentiles kept when reports of repeated runs are merged, for the diff's noise guard. */
export const RunSummarySchema = z.object({ runId: z.string(), p50: z.number(), p95: z.number() });

export const HistogramMetricSchema = MetricBase.extend({
  kind: z.literal('histogram'),
  count: z.number().int().positive(),
  sum: z.number(),
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  p50: z.number(),
  p75: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  buckets: HistogramBucketsSchema,
  runs: z.array(RunSummarySchema).max(1000).optional(),
});

/** A bounded timeline of a gauge: t is milliseconds since the report's startTime. */
export const TimelineSchema = z
  .object({ t: z.array(z.number()), v: z.array(z.number()) })
  .refine((tl) => tl.t.length === tl.v.length, { message: 't and v must have the same length' });

export const GaugeMetricSchema = MetricBase.extend({
  kind: z.literal('gauge'),
  value: z.number(),
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  samples: z.number().int().positive(),
  timeline: TimelineSchema.optional(),
});

export const CounterMetricSchema = MetricBase.extend({
  kind: z.literal('counter'),
  value: z.number(),
  /** value per second over the report's window. */
  rate: z.number(),
});

export const MetricSchema = z.discriminatedUnion('kind', [
  HistogramMetricSchema,
  GaugeMetricSchema,
  CounterMetricSchema,
]);
export type Metric = z.infer<typeof MetricSchema>;
export type HistogramMetric = z.infer<typeof HistogramMetricSchema>;
export type GaugeMetric = z.infer<typeof GaugeMetricSchema>;
export type CounterMetric = z.infer<typeof CounterMetricSchema>;
export type MetricKind = Metric['kind'];
