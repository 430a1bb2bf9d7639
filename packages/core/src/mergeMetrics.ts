import { CounterSeries, GaugeSeries, HistogramSeries, type Series } from './audit/series.js';
import type { Metric } from './schema/index.js';

/** Merges series of one metric into one (histograms exactly, by buckets; counters summed; gauges combined). */
export function mergeMetrics(metrics: Metric[]): Metric {
  const first = metrics[0];
  if (!first) throw new Error('mergeMetrics needs at least one metric');
  const meta = { name: first.name, area: first.area, unit: first.unit, attributes: {} };
  const target: Series =
    first.kind === 'histogram'
      ? new HistogramSeries(meta)
      : first.kind === 'gauge'
        ? new GaugeSeries(meta, 0, () => 0)
        : new CounterSeries(meta);
  let rate = 0;
  for (const m of metrics) {
    target.absorb(m);
    if (m.kind === 'counter') rate += m.rate;
  }
  const merged = target.toMetric(0, 0)!;
  if (merged.kind === 'counter') merged.rate = rate;
  return merged;
}
