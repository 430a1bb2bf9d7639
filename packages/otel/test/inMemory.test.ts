import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  DataPointType,
  type ExponentialHistogram,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
  AggregationTemporality as SdkTemporality,
} from '@opentelemetry/sdk-metrics';
import { type HistogramMetric, lowerBoundary, type Metric } from '@perf/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bridgeToOpenTelemetry,
  SCOPE,
  SEMCONV_DURATION_BOUNDARIES_S,
  secondsIndexShift,
  secondsShiftError,
} from '../src/index.js';
import { CUMULATIVE, DATA_POINT } from '../src/otelTypes.js';
import { BODY_BYTES, fixtureAudit, QUERY_MS, REQUEST_MS } from './fixture.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** A real SDK pipeline: MeterProvider + periodic reader (flushed by hand) + in-memory exporter. */
async function exportOnce(producer: ReturnType<typeof bridgeToOpenTelemetry>['metricProducer']) {
  const exporter = new InMemoryMetricExporter(SdkTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: 3_600_000,
    metricProducers: [producer],
  });
  const provider = new MeterProvider({ readers: [reader] });
  closers.push(() => provider.shutdown());
  await reader.forceFlush();
  const rm = exporter.getMetrics();
  expect(rm).toHaveLength(1);
  const scopes = rm[0]!.scopeMetrics.filter((s) => s.scope.name === SCOPE.name);
  expect(scopes).toHaveLength(1);
  return scopes[0]!.metrics;
}

const UNIT: Record<string, string> = { ms: 's', B: 'By', '/s': '1/s', '1': '1', '{request}': '{request}' };

function pointFor(data: MetricData, m: Metric) {
  const p = data.dataPoints.find((d) => JSON.stringify(d.attributes) === JSON.stringify(m.attributes));
  expect(p, `${m.name} ${JSON.stringify(m.attributes)}`).toBeDefined();
  return p!;
}

describe('bridge through the OpenTelemetry SDK (in-memory exporter)', () => {
  it('the SDK enum values are the ones the bridge writes without loading the SDK', () => {
    expect(DATA_POINT).toEqual({
      HISTOGRAM: DataPointType.HISTOGRAM,
      EXPONENTIAL_HISTOGRAM: DataPointType.EXPONENTIAL_HISTOGRAM,
      GAUGE: DataPointType.GAUGE,
      SUM: DataPointType.SUM,
    });
    expect(CUMULATIVE).toBe(SdkTemporality.CUMULATIVE);
  });

  it('exports every metric, attribute set and unit of the report, seconds on the wire', async () => {
    const audit = fixtureAudit();
    const metrics = await exportOnce(bridgeToOpenTelemetry(audit).metricProducer);
    const report = audit.report();
    const names = [...new Set(report.metrics.map((m) => m.name))].sort();
    expect(metrics.map((m) => m.descriptor.name).sort()).toEqual(names);
    expect(names).toHaveLength(8);
    for (const m of report.metrics) {
      const data = metrics.find((d) => d.descriptor.name === m.name)!;
      expect(data.descriptor.unit).toBe(UNIT[m.unit]);
      expect(data.descriptor.description).toBe(m.description);
      expect(data.aggregationTemporality).toBe(SdkTemporality.CUMULATIVE);
      expect(data.dataPoints).toHaveLength(report.metrics.filter((x) => x.name === m.name).length);
      const p = pointFor(data, m);
      expect(p.startTime[0] * 1000 + p.startTime[1] / 1e6).toBe(Date.parse(report.startTime));
      const div = m.unit === 'ms' ? 1000 : 1;
      if (m.kind === 'histogram') {
        expect(data.dataPointType).toBe(DataPointType.EXPONENTIAL_HISTOGRAM);
        const v = p.value as ExponentialHistogram;
        expect([v.count, v.sum, v.min, v.max]).toEqual([m.count, m.sum / div, m.min / div, m.max / div]);
        expect(v.scale).toBe(m.buckets.scale);
        expect(v.zeroCount).toBe(m.buckets.zeroCount);
        const shift = div === 1 ? 0 : secondsIndexShift(m.buckets.scale);
        expect(v.positive).toEqual({
          offset: m.buckets.positive.offset + shift,
          bucketCounts: m.buckets.positive.counts,
        });
        expect(v.negative.bucketCounts).toEqual(m.buckets.negative.counts);
      } else if (m.kind === 'gauge') {
        expect(data.dataPointType).toBe(DataPointType.GAUGE);
        expect(p.value).toBe(m.value / div);
      } else {
        expect(data.dataPointType).toBe(DataPointType.SUM);
        expect(data.dataPointType === DataPointType.SUM && data.isMonotonic).toBe(true);
        expect(p.value).toBe(m.value);
      }
    }
    // Spot checks against the raw inputs, not only against the report.
    const req = metrics.find((d) => d.descriptor.name === 'http.server.request.duration')!;
    const users = req.dataPoints.find((d) => d.attributes['http.route'] === '/users/:id')!;
    expect(users.attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/users/:id',
      'http.status_class': '2xx',
    });
    const uv = users.value as ExponentialHistogram;
    expect(uv.count).toBe(REQUEST_MS['/users/:id'].length);
    expect(uv.zeroCount).toBe(1);
    expect(uv.sum).toBeCloseTo(
      REQUEST_MS['/users/:id'].reduce((a: number, b: number) => a + b, 0) / 1000,
      12,
    );
    expect(uv.max).toBe(1.9);
    const heap = metrics.find((d) => d.descriptor.name === 'v8js.memory.heap.limit')!;
    expect(heap.dataPoints[0]!.value).toBe(4_345_298_944);
    const gc = metrics.find((d) => d.descriptor.name === 'v8js.gc.time_per_second')!;
    expect(gc.dataPoints[0]!.value).toBe(0.00325);
    const body = metrics.find((d) => d.descriptor.name === 'http.server.response.body.size')!;
    expect((body.dataPoints[0]!.value as ExponentialHistogram).count).toBe(BODY_BYTES.length);
    const db = metrics.find((d) => d.descriptor.name === 'db.client.operation.duration')!;
    expect(db.dataPoints[0]!.attributes['db.query.fingerprint']).toBe('a1b2c3d4');
    expect((db.dataPoints[0]!.value as ExponentialHistogram).count).toBe(QUERY_MS.length);
  });

  it("timeUnit 'ms' hands over the report's buckets bit for bit", async () => {
    const audit = fixtureAudit();
    const metrics = await exportOnce(bridgeToOpenTelemetry(audit, { timeUnit: 'ms' }).metricProducer);
    const report = audit.report();
    for (const m of report.metrics.filter((x): x is HistogramMetric => x.kind === 'histogram')) {
      const data = metrics.find((d) => d.descriptor.name === m.name)!;
      expect(data.descriptor.unit).toBe(m.unit === 'ms' ? 'ms' : 'By');
      const v = pointFor(data, m).value as ExponentialHistogram;
      expect(v).toEqual({
        count: m.count,
        sum: m.sum,
        min: m.min,
        max: m.max,
        scale: m.buckets.scale,
        zeroCount: m.buckets.zeroCount,
        positive: { offset: m.buckets.positive.offset, bucketCounts: m.buckets.positive.counts },
        negative: { offset: m.buckets.negative.offset, bucketCounts: m.buckets.negative.counts },
      });
    }
  });

  it('every value lies in its shifted seconds bucket, widened by no more than secondsShiftError', async () => {
    const audit = fixtureAudit();
    const metrics = await exportOnce(bridgeToOpenTelemetry(audit).metricProducer);
    const data = metrics.find((d) => d.descriptor.name === 'http.server.request.duration')!;
    for (const [route, values] of Object.entries(REQUEST_MS)) {
      const v = data.dataPoints.find((d) => d.attributes['http.route'] === route)!
        .value as ExponentialHistogram;
      const err = secondsShiftError(v.scale);
      expect(err).toBeGreaterThan(0);
      expect(err).toBeLessThan(0.003);
      let placed = 0;
      for (const ms of values.filter((x) => x > 0)) {
        const s = ms / 1000;
        const i = v.positive.bucketCounts.findIndex((c, k) => {
          const lo = lowerBoundary(v.positive.offset + k, v.scale);
          const hi = lowerBoundary(v.positive.offset + k + 1, v.scale);
          return c > 0 && s > lo / (1 + err) && s <= hi * (1 + err);
        });
        expect(i, `${ms} ms`).toBeGreaterThanOrEqual(0);
        placed++;
      }
      expect(placed + v.zeroCount).toBe(v.count);
    }
    // At scale 6 the boundaries move by 2^(0.19/64): 0.21%, against 0.54% of the buckets' own width.
    expect(secondsShiftError(6)).toBeCloseTo(2 ** (Math.abs(64 * Math.log2(1000) - 638) / 64) - 1, 12);
    expect(secondsIndexShift(6)).toBe(-638);
  });

  it('explicitBoundaries turns histograms into explicit ones whose counts match the raw values', async () => {
    const audit = fixtureAudit();
    const producer = bridgeToOpenTelemetry(audit, {
      explicitBoundaries: (m) => (m.unit === 's' ? SEMCONV_DURATION_BOUNDARIES_S : undefined),
    }).metricProducer;
    const metrics = await exportOnce(producer);
    const req = metrics.find((d) => d.descriptor.name === 'http.server.request.duration')!;
    expect(req.dataPointType).toBe(DataPointType.HISTOGRAM);
    for (const [route, values] of Object.entries(REQUEST_MS)) {
      const v = req.dataPoints.find((d) => d.attributes['http.route'] === route)!.value as Histogram;
      expect(v.buckets.boundaries).toEqual(SEMCONV_DURATION_BOUNDARIES_S);
      // None of the fixture's values sits within a bucket width of a boundary, so the counts are exact.
      const expected = [...SEMCONV_DURATION_BOUNDARIES_S, Number.POSITIVE_INFINITY].map(
        (b, i, all) => values.filter((ms) => ms / 1000 <= b && (i === 0 || ms / 1000 > all[i - 1]!)).length,
      );
      expect(v.buckets.counts).toEqual(expected);
      expect(v.count).toBe(values.length);
    }
    const body = metrics.find((d) => d.descriptor.name === 'http.server.response.body.size')!;
    expect(body.dataPointType).toBe(DataPointType.EXPONENTIAL_HISTOGRAM);
  });

  it('a reset audit starts a new cumulative series (new start time, counts from zero)', async () => {
    const audit = fixtureAudit();
    const bridge = bridgeToOpenTelemetry(audit);
    const before = await exportOnce(bridge.metricProducer);
    await new Promise((r) => setTimeout(r, 5));
    audit.reset();
    audit.histogram('http.server.request.duration', { 'http.route': '/x' }).record(5);
    const after = await exportOnce(bridge.metricProducer);
    const b = before.find((d) => d.descriptor.name === 'http.server.request.duration')!.dataPoints[0]!;
    const a = after.find((d) => d.descriptor.name === 'http.server.request.duration')!.dataPoints;
    expect(a).toHaveLength(1);
    expect((a[0]!.value as ExponentialHistogram).count).toBe(1);
    expect(a[0]!.startTime > b.startTime || a[0]!.startTime[1] > b.startTime[1]).toBe(true);
  });
});

describe('findings as log records (sdk-logs)', () => {
  it('sends each finding once with its evidence, then only new occurrences', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
    closers.push(() => loggerProvider.shutdown());
    const audit = fixtureAudit();
    const bridge = bridgeToOpenTelemetry(audit, { loggerProvider });
    expect(bridge.flush()).toBe(2);
    const records = exporter.getFinishedLogRecords();
    expect(records).toHaveLength(2);
    const slow = records.find((r) => r.attributes['perf.finding.rule'] === 'http.slow-endpoint')!;
    expect(slow.instrumentationScope.name).toBe('@perf/otel');
    expect(slow.eventName).toBe('perf.finding');
    expect(slow.severityNumber).toBe(13);
    expect(slow.severityText).toBe('WARN');
    expect(slow.body).toBe('GET /users/:id p95 is 1900 ms: over the 200 ms budget');
    expect(slow.attributes).toMatchObject({
      'perf.finding.key': 'GET /users/:id',
      'perf.finding.area': 'backend',
      'perf.finding.occurrences': 1,
      'perf.finding.new_occurrences': 1,
      'perf.finding.recommendation': 'Cache the user lookup.',
      'perf.finding.how.method': 'exact',
      'http.route': '/users/:id',
      'http.request.method': 'GET',
    });
    const n1 = records.find((r) => r.attributes['perf.finding.rule'] === 'db.n-plus-one')!;
    expect(n1.severityNumber).toBe(17);
    expect(n1.attributes['perf.finding.samples']).toEqual(['SELECT * FROM users WHERE id = ?']);
    expect(n1.attributes['perf.finding.how.interval_ms']).toBe(1000);

    expect(bridge.flush()).toBe(0);
    audit.finding({
      rule: 'db.n-plus-one',
      key: 'a1b2c3d4',
      area: 'database',
      severity: 'critical',
      title: 'N+1 on users',
      recommendation: 'Batch the lookups.',
      how: { method: 'exact', source: 'query counts per request' },
      count: 3,
    });
    // A metric collection carries the new occurrences too.
    await exportOnce(bridge.metricProducer);
    const last = exporter.getFinishedLogRecords().slice(2);
    expect(last).toHaveLength(1);
    expect(last[0]!.attributes['perf.finding.occurrences']).toBe(4);
    expect(last[0]!.attributes['perf.finding.new_occurrences']).toBe(3);
    // After a reset the run starts over: a finding is sent again from its first occurrence.
    audit.reset();
    audit.finding({
      rule: 'db.n-plus-one',
      key: 'a1b2c3d4',
      area: 'database',
      severity: 'critical',
      title: 'N+1 on users',
      recommendation: 'Batch the lookups.',
      how: { method: 'exact', source: 'query counts per request' },
    });
    expect(bridge.flush()).toBe(1);
    expect(exporter.getFinishedLogRecords().at(-1)!.attributes['perf.finding.occurrences']).toBe(1);
    bridge.close();
    expect(bridge.flush()).toBe(0);
  });
});
