import { ValueType } from '@opentelemetry/api';
import type { Audit, AuditReport, Metric } from '@perf/core';
import { toExplicitHistogram } from './explicitBuckets.js';
import { toExponentialHistogram } from './exponentialBuckets.js';
import { hrTimeOf } from './hrTime.js';
import {
  type CollectionResult,
  CUMULATIVE,
  DATA_POINT,
  type MetricData,
  type MetricProducer,
  type ResourceMetrics,
} from './otelTypes.js';
import { type TimeUnit, wireUnit } from './wireUnit.js';

/** Scope the bridged metrics carry (otel_scope_name in Prometheus). */
export const SCOPE = { name: '@perf/otel', version: '0.1.0' };

/** Which histograms leave as explicit-bucket histograms, and on which boundaries (in wire units). */
export type ExplicitBoundaries =
  | readonly number[]
  | ((metric: { name: string; unit: string }) => readonly number[] | undefined);

export interface AuditMetricProducerOptions {
  /** 's' (default): durations in seconds as the semantic conventions say; 'ms': buckets bit for bit. */
  timeUnit?: TimeUnit;
  /**
   * Send histograms as explicit-bucket histograms (for the Prometheus exporter, which drops exponential
   * ones). An array applies to every histogram; a function picks per metric (undefined keeps exponential).
   */
  explicitBoundaries?: ExplicitBoundaries;
  /** Only metrics whose name passes are sent. Default: all. */
  include?: (name: string) => boolean;
  /** Called with each report the producer builds (the bridge emits findings from it). */
  onReport?: (report: AuditReport) => void;
}

/** The resource is the SDK's: MetricReader.collect keeps its own and drops a producer's, so this stays empty. */
const EMPTY_RESOURCE: ResourceMetrics['resource'] = {
  attributes: {},
  merge(other) {
    return other ?? EMPTY_RESOURCE;
  },
  getRawAttributes() {
    return [];
  },
};

function boundariesFor(
  option: ExplicitBoundaries | undefined,
  metric: { name: string; unit: string },
): readonly number[] | undefined {
  if (!option) return undefined;
  return typeof option === 'function' ? option(metric) : option;
}

/** Converts one report into OTel metric data: one MetricData per metric name, one point per attribute set. */
export function reportToMetricData(
  report: AuditReport,
  options: AuditMetricProducerOptions = {},
): MetricData[] {
  const timeUnit = options.timeUnit ?? 's';
  const startTime = hrTimeOf(report.startTime);
  const endTime = hrTimeOf(report.endTime);
  const byName = new Map<string, Metric[]>();
  for (const m of report.metrics) {
    if (options.include && !options.include(m.name)) continue;
    const list = byName.get(m.name);
    if (list) list.push(m);
    else byName.set(m.name, [m]);
  }
  const out: MetricData[] = [];
  for (const [name, series] of byName) {
    const first = series[0]!;
    const wire = wireUnit(first.unit, timeUnit);
    const descriptor = {
      name,
      description: first.description ?? '',
      unit: wire.unit,
      valueType: ValueType.DOUBLE,
    };
    const point = <T>(m: Metric, value: T) => ({
      startTime,
      endTime,
      attributes: { ...m.attributes },
      value,
    });
    if (first.kind === 'histogram') {
      const boundaries = boundariesFor(options.explicitBoundaries, { name, unit: wire.unit });
      const histograms = series.filter((m) => m.kind === 'histogram');
      if (boundaries) {
        out.push({
          descriptor,
          aggregationTemporality: CUMULATIVE,
          dataPointType: DATA_POINT.HISTOGRAM,
          dataPoints: histograms.map((m) => point(m, toExplicitHistogram(m, wire.divisor, boundaries))),
        });
      } else {
        out.push({
          descriptor,
          aggregationTemporality: CUMULATIVE,
          dataPointType: DATA_POINT.EXPONENTIAL_HISTOGRAM,
          dataPoints: histograms.map((m) => point(m, toExponentialHistogram(m, wire.divisor))),
        });
      }
    } else if (first.kind === 'gauge') {
      out.push({
        descriptor,
        aggregationTemporality: CUMULATIVE,
        dataPointType: DATA_POINT.GAUGE,
        dataPoints: series.flatMap((m) => (m.kind === 'gauge' ? [point(m, m.value / wire.divisor)] : [])),
      });
    } else {
      out.push({
        descriptor,
        aggregationTemporality: CUMULATIVE,
        dataPointType: DATA_POINT.SUM,
        isMonotonic: true,
        dataPoints: series.flatMap((m) => (m.kind === 'counter' ? [point(m, m.value / wire.divisor)] : [])),
      });
    }
  }
  return out;
}

/**
 * A MetricProducer for the user's own MetricReader (`metricProducers: [producer]` on a
 * PeriodicExportingMetricReader, PrometheusExporter or any reader): every collection reads the audit's report
 * and hands its metrics to the reader, histograms as exponential histograms with the report's buckets.
 */
export function createAuditMetricProducer(
  audit: Audit,
  options: AuditMetricProducerOptions = {},
): MetricProducer {
  return {
    async collect(): Promise<CollectionResult> {
      // A failing conversion must not fail the user's export: it is counted in the report's diagnostics
      // and surfaces as a collection error, which the SDK logs through its diag channel.
      const metrics = audit.safely('otel', () => {
        const report = audit.report();
        if (options.onReport) audit.safely('otel', () => options.onReport?.(report));
        return reportToMetricData(report, options);
      });
      return {
        resourceMetrics: {
          resource: EMPTY_RESOURCE,
          scopeMetrics: metrics ? [{ scope: SCOPE, metrics }] : [],
        },
        errors: metrics
          ? []
          : [new Error('@perf/otel: converting the audit report failed (see its diagnostics)')],
      };
    },
  };
}
