import { SEMCONV_DURATION_BOUNDARIES_S } from './explicitBuckets.js';

/** Boundaries for byte sizes: 64 B to 64 MiB in powers of 4. */
const BYTE_BOUNDARIES = Array.from({ length: 11 }, (_, i) => 64 * 4 ** i);
const FRACTION_BOUNDARIES = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const COUNT_BOUNDARIES = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000, 1_000_000];

/**
 * Explicit boundaries by wire unit, for backends without exponential histograms: the semantic conventions'
 * duration boundaries for seconds (x1000 for ms), powers of 4 for bytes, a 1-2-5 ladder for counts.
 */
export function defaultExplicitBoundaries(metric: { name: string; unit: string }): readonly number[] {
  switch (metric.unit) {
    case 's':
      return SEMCONV_DURATION_BOUNDARIES_S;
    case 'ms':
      return SEMCONV_DURATION_BOUNDARIES_S.map((b) => b * 1000);
    case 'By':
      return BYTE_BOUNDARIES;
    case '1':
      return FRACTION_BOUNDARIES;
    default:
      return COUNT_BOUNDARIES;
  }
}
