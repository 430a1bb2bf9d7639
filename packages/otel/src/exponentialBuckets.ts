import type { HistogramMetric } from '@perf/core';
import type { ExponentialHistogram } from './otelTypes.js';

const LOG2_1000 = Math.log2(1000);

/**
 * Index shift that turns a millisecond layout into a seconds layout at `scale`. Seconds are ms / 1000 and
 * 1000 is not a power of two, so no integer shift is exact: this is the nearest one, which moves every bucket
 * boundary by the same factor (see `secondsShiftError`) and keeps each bucket's count intact.
 */
export function secondsIndexShift(scale: number): number {
  return -Math.round(2 ** scale * LOG2_1000);
}

/**
 * Relative error of every bucket boundary after the seconds shift at `scale`: the boundaries are off by the
 * factor 2^(d / 2^scale), d the distance of 2^scale * log2(1000) to the nearest integer. 0.21% at scale 6.
 */
export function secondsShiftError(scale: number): number {
  const exact = 2 ** scale * LOG2_1000;
  const d = Math.abs(exact - Math.round(exact));
  return 2 ** (d / 2 ** scale) - 1;
}

/**
 * The report's histogram as an OTel exponential histogram data point value. With divisor 1 it is the same
 * state bucket for bucket (the report stores OTLP's layout); with 1000 (ms -> s) the counts arrays are kept
 * verbatim and only the offsets shift, while count, sum, min and max are converted exactly.
 */
export function toExponentialHistogram(m: HistogramMetric, divisor: number): ExponentialHistogram {
  const b = m.buckets;
  const shift = divisor === 1 ? 0 : divisor === 1000 ? secondsIndexShift(b.scale) : Number.NaN;
  if (Number.isNaN(shift)) throw new Error(`unsupported divisor ${divisor}`);
  return {
    count: m.count,
    sum: m.sum / divisor,
    min: m.min / divisor,
    max: m.max / divisor,
    scale: b.scale,
    zeroCount: b.zeroCount,
    positive: { offset: b.positive.offset + shift, bucketCounts: b.positive.counts.slice() },
    negative: { offset: b.negative.offset + shift, bucketCounts: b.negative.counts.slice() },
  };
}
