import type { HistogramHandle } from '@perf/core';

/** Records a beacon's log histogram (key round(ln(ms) * 32), "-Infinity" for 0) into a histogram handle. */
export function recordBuckets(h: HistogramHandle, buckets: Record<string, number>): void {
  for (const [k, n] of Object.entries(buckets)) if (n > 0) h.record(Math.exp(Number(k) / 32), n);
}
