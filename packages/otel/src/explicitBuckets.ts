import { bucketEstimate, type HistogramMetric } from '@perf/core';
import type { Histogram } from './otelTypes.js';

/** The semantic conventions' advisory boundaries for HTTP and DB durations, in seconds. */
export const SEMCONV_DURATION_BOUNDARIES_S = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** First index whose boundary is >= v (values equal to a boundary belong to it, as Prometheus' `le` says). */
function slot(boundaries: readonly number[], v: number): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (boundaries[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The report's histogram re-bucketed onto explicit boundaries (wire units), for backends that cannot take
 * exponential histograms (the Prometheus text exporter). Each exponential bucket's count goes where its point
 * estimate falls (the value the report's own percentiles use, clamped to min and max): exact unless a boundary
 * cuts through a bucket, and then off by at most that bucket's width (0.54% of the value at scale 6).
 */
export function toExplicitHistogram(
  m: HistogramMetric,
  divisor: number,
  boundaries: readonly number[],
): Histogram {
  const counts: number[] = new Array(boundaries.length + 1).fill(0);
  const b = m.buckets;
  const place = (valueInReportUnit: number, c: number) => {
    const clamped = Math.min(m.max, Math.max(m.min, valueInReportUnit));
    counts[slot(boundaries, clamped / divisor)]! += c;
  };
  b.negative.counts.forEach((c, i) => {
    if (c) place(-bucketEstimate(b.negative.offset + i, b.scale), c);
  });
  if (b.zeroCount) place(0, b.zeroCount);
  b.positive.counts.forEach((c, i) => {
    if (c) place(bucketEstimate(b.positive.offset + i, b.scale), c);
  });
  return {
    count: m.count,
    sum: m.sum / divisor,
    min: m.min / divisor,
    max: m.max / divisor,
    buckets: { boundaries: boundaries.slice(), counts },
  };
}
