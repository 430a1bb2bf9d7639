import { seriesKey } from './audit/seriesKey.js';
import { formatSeries } from './report/format.js';
import type { Attributes, AuditReport, Metric } from './schema/index.js';

export interface DiffOptions {
  /** A change counts only above this relative size (default 0.05 = 5%). */
  minRelativeChange?: number;
}

/** The change of one statistic of one series between two reports. */
export interface MetricChange {
  name: string;
  attributes: Attributes;
  /** The whole series for a reader, e.g. 'GET /api/brands 2xx' (see formatSeries): two rows never look alike. */
  series: string;
  unit: string;
  statistic: 'p50' | 'p95' | 'value' | 'mean';
  base: number;
  head: number;
  /** (head - base) / base; Infinity when base is 0 and head is not. */
  relative: number;
  /** Run-to-run spread of the statistic (max - min over repeated runs) when the reports carry runs. */
  noise?: number;
  /** 'regression' / 'improvement' only when the change beats both the relative threshold and the noise. */
  verdict: 'regression' | 'improvement' | 'unchanged';
}

export interface ReportDiff {
  changes: MetricChange[];
  onlyInBase: string[];
  onlyInHead: string[];
}

// Throughput, hit rates and scores are better when higher; latency, sizes, errors and utilization when lower.
const HIGHER_IS_BETTER = /(throughput|hit_rate|score)$/;
const higherIsBetter = (m: Metric) => HIGHER_IS_BETTER.test(m.name) || m.unit === '/s' || m.unit === '/h';

function spread(m: Metric, stat: 'p50' | 'p95'): number | undefined {
  if (m.kind !== 'histogram' || !m.runs || m.runs.length < 2) return undefined;
  const values = m.runs.map((r) => r[stat]);
  return Math.max(...values) - Math.min(...values);
}

function compare(b: Metric, h: Metric, stat: MetricChange['statistic'], minRel: number): MetricChange {
  const read = (m: Metric) => (m as unknown as Record<string, number>)[stat] ?? Number.NaN;
  const base = read(b);
  const head = read(h);
  const relative = base === 0 ? (head === 0 ? 0 : Number.POSITIVE_INFINITY) : (head - base) / Math.abs(base);
  const noiseStat = stat === 'p50' || stat === 'p95' ? stat : undefined;
  const noises = noiseStat ? [spread(b, noiseStat), spread(h, noiseStat)].filter((n) => n !== undefined) : [];
  const noise = noises.length ? Math.max(...noises) : undefined;
  const significant = Math.abs(relative) > minRel && (noise === undefined || Math.abs(head - base) > noise);
  const worse = higherIsBetter(b) ? head < base : head > base;
  return {
    name: b.name,
    attributes: b.attributes,
    series: formatSeries(b.attributes),
    unit: b.unit,
    statistic: stat,
    base,
    head,
    relative,
    ...(noise !== undefined ? { noise } : {}),
    verdict: significant ? (worse ? 'regression' : 'improvement') : 'unchanged',
  };
}

/**
 * Per-series change of p50/p95 (histograms) or value/mean (gauges) from `base` to `head`. Counters are
 * left out: their totals depend on how long each run lasted.
 */
export function diffReports(base: AuditReport, head: AuditReport, options: DiffOptions = {}): ReportDiff {
  const minRel = options.minRelativeChange ?? 0.05;
  const index = (r: AuditReport) =>
    new Map(r.metrics.filter((m) => m.kind !== 'counter').map((m) => [seriesKey(m.name, m.attributes), m]));
  const a = index(base);
  const b = index(head);
  const changes: MetricChange[] = [];
  for (const [key, m] of a) {
    const h = b.get(key);
    if (!h || h.kind !== m.kind) continue;
    const stats: MetricChange['statistic'][] = m.kind === 'histogram' ? ['p50', 'p95'] : ['mean'];
    for (const s of stats) changes.push(compare(m, h, s, minRel));
  }
  const label = (m: Metric) => `${m.name} ${formatSeries(m.attributes)}`.trimEnd();
  return {
    changes,
    onlyInBase: [...a].filter(([k]) => !b.has(k)).map(([, m]) => label(m)),
    onlyInHead: [...b].filter(([k]) => !a.has(k)).map(([, m]) => label(m)),
  };
}
