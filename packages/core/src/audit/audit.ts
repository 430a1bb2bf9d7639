import type { Budget } from '../budgets/budget.js';
import { evaluateBudgets } from '../budgets/evaluate.js';
import type { Histogram } from '../histogram/histogram.js';
import { areaOf, metricInfo } from '../metricCatalog.js';
import { SCHEMA_VERSION } from '../schema/constants.js';
import type {
  Area,
  Attributes,
  AuditReport,
  Diagnostics,
  FailOn,
  Metric,
  MetricKind,
  Subject,
} from '../schema/index.js';
import { DEFAULT_FAIL_ON, summarize } from '../summary.js';
import type { Collector } from './collector.js';
import { type FindingInput, FindingStore } from './findings.js';
import { detectRuntime, newRunId } from './runtime.js';
import { CounterSeries, GaugeSeries, HistogramSeries, type Series, type SeriesMeta } from './series.js';
import { OVERFLOW_ATTRIBUTES, seriesKey } from './seriesKey.js';

/** Area, unit and description of a metric; catalog metrics (see METRICS) need none of them. */
export interface MetricOptions {
  area?: Area;
  unit?: string;
  description?: string;
}

export interface AuditLimits {
  /** Distinct attribute sets per metric name; the rest go to one overflow series. Default 200. */
  maxSeriesPerMetric?: number;
  /** Distinct metric names. Default 1000. */
  maxMetrics?: number;
  /** Distinct findings (rule + key). Default 500. */
  maxFindings?: number;
  /** Points kept per gauge timeline. Default 240. */
  timelinePoints?: number;
}

export interface AuditOptions {
  subject: Subject | string;
  budgets?: Budget[];
  runtime?: AuditReport['runtime'];
  limits?: AuditLimits;
  /**
   * What fails the report's status besides its budgets: 'critical' (default) any critical finding, 'warning'
   * any warning or critical finding, 'budgets' nothing but budgets.
   */
  failOn?: FailOn;
}

export interface HistogramHandle {
  /** Records one value, or `n` equal values. */
  record(value: number, n?: number): void;
  /** Values recorded so far (0 when the metric was refused by a cap). */
  readonly count: number;
  /** The value at quantile q in [0, 1]; NaN while empty. */
  quantile(q: number): number;
  /** Adds what this series recorded to `target` (exactly), so a collector can read across its own series. */
  mergeInto(target: Histogram): void;
}
export interface GaugeHandle {
  set(value: number): void;
}
export interface CounterHandle {
  add(n?: number): void;
}

interface MetricFamily {
  kind: MetricKind;
  area: Area;
  unit: string;
  description?: string;
  series: Map<string, Series>;
}

/**
 * Attribute sets turned away by the cardinality cap are remembered (as 32-bit hashes, up to this many across
 * metrics) so each counts once in droppedSeries however often it is recorded; beyond it a repeat may count again.
 */
const MAX_REMEMBERED_OVERFLOW = 10_000;

/** FNV-1a: a small fixed-size fingerprint, so remembering a long attribute set costs no more than a short one. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The recorder every collector writes into; `report()` turns it into an AuditReport. */
export interface Audit {
  readonly subject: Subject;
  budgets: Budget[];
  /** What fails the report's status besides its budgets (see AuditOptions.failOn). */
  failOn: FailOn;
  use(collector: Collector): Audit;
  histogram(name: string, attributes?: Attributes, options?: MetricOptions): HistogramHandle;
  gauge(name: string, attributes?: Attributes, options?: MetricOptions): GaugeHandle;
  counter(name: string, attributes?: Attributes, options?: MetricOptions): CounterHandle;
  finding(input: FindingInput): void;
  /** Merges a report (a browser beacon, a child process, another shard) into this audit. */
  ingest(report: AuditReport, options?: { extendWindow?: boolean; keepRuns?: boolean }): void;
  /** Adds to the runtime context (cpus, memory limit and its source). */
  setRuntime(runtime: Partial<AuditReport['runtime']>): void;
  /** Runs fn, counting instead of throwing any error under the collector's name. */
  safely<T>(collector: string, fn: () => T): T | undefined;
  report(): AuditReport;
  reset(): void;
  close(): Promise<void>;
}

const NOOP = { record() {}, set() {}, add() {}, mergeInto() {}, count: 0, quantile: () => Number.NaN };

/** Creates an Audit for one subject (an app, a job, a test run). */
export function createAudit(options: AuditOptions): Audit {
  const subject: Subject = typeof options.subject === 'string' ? { name: options.subject } : options.subject;
  const limits = {
    maxSeriesPerMetric: options.limits?.maxSeriesPerMetric ?? 200,
    maxMetrics: options.limits?.maxMetrics ?? 1000,
    maxFindings: options.limits?.maxFindings ?? 500,
    timelinePoints: options.limits?.timelinePoints ?? 240,
  };
  const clock = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
  let runtime: AuditReport['runtime'] = { ...detectRuntime(), ...options.runtime };
  let runId = newRunId();
  let startWall = Date.now();
  let startMono = clock();
  /** Set when reports are merged in with extendWindow: the report then spans their union. */
  let mergedWindow: { start: number; end: number } | undefined;
  const families = new Map<string, MetricFamily>();
  const findings = new FindingStore(limits.maxFindings);
  const collectors: Collector[] = [];
  const errors = new Map<string, { collector: string; message: string; count: number }>();
  const droppedSeries: Record<string, number> = {};
  const overflowKeys = new Set<number>();
  let droppedMetrics = 0;
  let mergedFrom = 0;
  let closed = false;

  function recordError(collector: string, err: unknown, count = 1): void {
    const message = err instanceof Error ? err.message : String(err);
    const id = `${collector}\u0000${message}`;
    const e = errors.get(id);
    if (e) e.count += count;
    else if (errors.size < 100) errors.set(id, { collector, message: message.slice(0, 500), count });
  }

  function safely<T>(collector: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      recordError(collector, err);
      return undefined;
    }
  }

  function family(name: string, kind: MetricKind, opts: MetricOptions | undefined): MetricFamily | undefined {
    let fam = families.get(name);
    if (fam) {
      if (fam.kind !== kind) {
        recordError('audit', new Error(`metric ${name} is a ${fam.kind}, not a ${kind}`));
        return undefined;
      }
      return fam;
    }
    if (families.size >= limits.maxMetrics) {
      droppedMetrics++;
      return undefined;
    }
    const info = metricInfo(name);
    const area = opts?.area ?? areaOf(name);
    const unit = opts?.unit ?? info?.unit ?? '1';
    const description = opts?.description ?? info?.description;
    fam = { kind, area, unit, ...(description ? { description } : {}), series: new Map() };
    families.set(name, fam);
    return fam;
  }

  function series(name: string, kind: MetricKind, attributes: Attributes | undefined, opts?: MetricOptions) {
    const fam = family(name, kind, opts);
    if (!fam) return undefined;
    let key = seriesKey(name, attributes);
    let s = fam.series.get(key);
    if (s) return s;
    let attrs = attributes ? { ...attributes } : {};
    if (fam.series.size >= limits.maxSeriesPerMetric) {
      const overflowKey = seriesKey(name, OVERFLOW_ATTRIBUTES);
      // An ingested overflow series is already counted in its report's diagnostics.
      const seen = hash32(key);
      if (key !== overflowKey && !overflowKeys.has(seen)) {
        if (overflowKeys.size < MAX_REMEMBERED_OVERFLOW) overflowKeys.add(seen);
        droppedSeries[name] = (droppedSeries[name] ?? 0) + 1;
      }
      attrs = { ...OVERFLOW_ATTRIBUTES };
      key = overflowKey;
      s = fam.series.get(key);
      if (s) return s;
    }
    const meta: SeriesMeta = {
      name,
      area: fam.area,
      unit: fam.unit,
      ...(fam.description ? { description: fam.description } : {}),
      attributes: attrs,
    };
    s =
      kind === 'histogram'
        ? new HistogramSeries(meta)
        : kind === 'gauge'
          ? new GaugeSeries(meta, limits.timelinePoints, clock)
          : new CounterSeries(meta);
    fam.series.set(key, s);
    return s;
  }

  function window(): { start: number; end: number } {
    return mergedWindow ?? { start: startWall, end: startWall + (clock() - startMono) };
  }

  const audit: Audit = {
    subject,
    budgets: options.budgets ?? [],
    failOn: options.failOn ?? DEFAULT_FAIL_ON,

    use(collector) {
      if (closed) return audit;
      collectors.push(collector);
      safely(collector.name, () => collector.start?.(audit));
      return audit;
    },

    histogram(name, attributes, opts) {
      return (series(name, 'histogram', attributes, opts) as HistogramSeries | undefined)?.histogram ?? NOOP;
    },

    gauge(name, attributes, opts) {
      return (series(name, 'gauge', attributes, opts) as GaugeSeries | undefined) ?? NOOP;
    },

    counter(name, attributes, opts) {
      return (series(name, 'counter', attributes, opts) as CounterSeries | undefined) ?? NOOP;
    },

    finding(input) {
      safely('audit', () => findings.add(input, new Date().toISOString()));
    },

    ingest(report, ingestOptions = {}) {
      for (const m of report.metrics) {
        const s = series(m.name, m.kind, m.attributes, {
          area: m.area,
          unit: m.unit,
          description: m.description,
        });
        s?.absorb(m, ingestOptions.keepRuns ? report.runId : undefined);
      }
      for (const f of report.findings) findings.add(f, f.lastSeen);
      for (const e of report.diagnostics.collectorErrors) {
        recordError(e.collector, new Error(e.message), e.count);
      }
      for (const [name, n] of Object.entries(report.diagnostics.droppedSeries)) {
        // Names come from untrusted input (a beacon): their number is capped like metric names are.
        if (name in droppedSeries || Object.keys(droppedSeries).length < limits.maxMetrics) {
          droppedSeries[name] = (droppedSeries[name] ?? 0) + n;
        }
      }
      findings.dropped += report.diagnostics.droppedFindings;
      mergedFrom += report.diagnostics.mergedFrom ?? 1;
      if (ingestOptions.extendWindow) {
        const start = Date.parse(report.startTime);
        const end = Date.parse(report.endTime);
        mergedWindow = mergedWindow
          ? { start: Math.min(mergedWindow.start, start), end: Math.max(mergedWindow.end, end) }
          : { start, end };
        runtime = { ...report.runtime, ...runtime };
      }
    },

    setRuntime(extra) {
      runtime = { ...runtime, ...extra };
    },

    safely,

    report() {
      for (const c of collectors) safely(c.name, () => c.collect?.(audit));
      const { start, end } = window();
      const elapsed = end - start;
      const metrics: Metric[] = [];
      for (const fam of families.values()) {
        for (const s of fam.series.values()) {
          const m = s.toMetric(elapsed, startMono);
          if (m) metrics.push(m);
        }
      }
      metrics.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const budgets = evaluateBudgets(metrics, audit.budgets);
      const findingList = findings.list();
      const diagnostics: Diagnostics = {
        droppedSeries: { ...droppedSeries, ...(droppedMetrics ? { '(metrics)': droppedMetrics } : {}) },
        droppedFindings: findings.dropped,
        collectorErrors: [...errors.values()].map((e) => ({ ...e })),
        ...(mergedFrom > 0 ? { mergedFrom } : {}),
      };
      return {
        schemaVersion: SCHEMA_VERSION,
        runId,
        startTime: new Date(start).toISOString(),
        endTime: new Date(end).toISOString(),
        durationMs: Math.max(0, elapsed),
        subject: { ...subject },
        runtime: { ...runtime },
        metrics,
        findings: findingList,
        budgets,
        summary: summarize(metrics, findingList, budgets, { failOn: audit.failOn }),
        diagnostics,
      };
    },

    reset() {
      for (const fam of families.values()) for (const s of fam.series.values()) s.reset();
      findings.clear();
      errors.clear();
      for (const k of Object.keys(droppedSeries)) delete droppedSeries[k];
      overflowKeys.clear();
      droppedMetrics = 0;
      mergedFrom = 0;
      runId = newRunId();
      startWall = Date.now();
      startMono = clock();
      mergedWindow = undefined;
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const c of collectors.splice(0).reverse()) {
        try {
          await c.stop?.();
        } catch (err) {
          recordError(c.name, err);
        }
      }
    },
  };
  return audit;
}
