import {
  type Audit,
  type Collector,
  createAudit,
  defineBudgets,
  Histogram,
  type HistogramMetric,
  mergeReports,
  OVERFLOW_ATTRIBUTES,
  parseReport,
} from '@perf/core';
import { describe, expect, it } from 'vitest';
import { findingInput, sampleReport } from './fixtures.js';

const histogramOf = (report: ReturnType<Audit['report']>, name: string, attrs?: Record<string, unknown>) =>
  report.metrics.find(
    (m): m is HistogramMetric =>
      m.kind === 'histogram' &&
      m.name === name &&
      (!attrs || Object.entries(attrs).every(([k, v]) => m.attributes[k] === v)),
  );

describe('Audit: metrics', () => {
  it('catalog metrics get their area and unit; custom ones take options or defaults', () => {
    const audit = createAudit({ subject: 'app' });
    audit.histogram('db.client.operation.duration').record(3);
    audit.gauge('ml.queue.depth', {}, { area: 'ml', unit: '{job}', description: 'Jobs waiting.' }).set(4);
    audit.counter('app.custom').add();
    const r = audit.report();
    expect(r.metrics.map((m) => [m.name, m.area, m.unit])).toEqual([
      ['app.custom', 'backend', '1'],
      ['db.client.operation.duration', 'database', 'ms'],
      ['ml.queue.depth', 'ml', '{job}'],
    ]);
    expect(r.metrics.find((m) => m.name === 'ml.queue.depth')?.description).toBe('Jobs waiting.');
  });

  it('attribute order does not split a series', () => {
    const audit = createAudit({ subject: 'app' });
    audit.histogram('http.server.request.duration', { a: '1', b: '2' }).record(1);
    audit.histogram('http.server.request.duration', { b: '2', a: '1' }).record(2);
    const r = audit.report();
    expect(r.metrics).toHaveLength(1);
    expect((r.metrics[0] as HistogramMetric).count).toBe(2);
  });

  it('counters sum and carry a rate; gauges keep last, min, max, mean and samples', () => {
    const audit = createAudit({ subject: 'app' });
    const c = audit.counter('http.server.requests');
    c.add(5);
    c.add();
    c.add(Number.NaN);
    const g = audit.gauge('process.cpu.utilization');
    for (const v of [0.5, 0.1, 0.9, Number.POSITIVE_INFINITY, 0.3]) g.set(v);
    const r = audit.report();
    const counter = r.metrics.find((m) => m.kind === 'counter');
    const gauge = r.metrics.find((m) => m.kind === 'gauge');
    expect(counter).toMatchObject({ value: 6 });
    expect(counter?.kind === 'counter' && counter.rate).toBeGreaterThan(0);
    expect(gauge).toMatchObject({ value: 0.3, min: 0.1, max: 0.9, samples: 4 });
    expect(gauge?.kind === 'gauge' && gauge.mean).toBeCloseTo(0.45, 12);
  });
});

describe('Audit: cardinality cap', () => {
  it('routes series beyond maxSeriesPerMetric to the otel.metric.overflow series and counts them', () => {
    const audit = createAudit({ subject: 'app', limits: { maxSeriesPerMetric: 3 } });
    for (let i = 0; i < 10; i++) {
      const h = audit.histogram('http.server.request.duration', { 'http.route': `/r/${i}` });
      h.record(i + 1);
      h.record(i + 1);
    }
    const r = audit.report();
    const series = r.metrics.filter((m) => m.name === 'http.server.request.duration');
    expect(series).toHaveLength(4);
    const overflow = histogramOf(r, 'http.server.request.duration', { 'otel.metric.overflow': true });
    expect(overflow?.attributes).toEqual(OVERFLOW_ATTRIBUTES);
    // Data is never lost: the overflow series holds the 7 routes beyond the cap, 2 values each.
    expect(overflow?.count).toBe(14);
    expect(overflow?.min).toBe(4);
    expect(r.diagnostics.droppedSeries).toEqual({ 'http.server.request.duration': 7 });
  });

  it('counts each turned-away attribute set once, however often it is recorded', () => {
    const audit = createAudit({ subject: 'app', limits: { maxSeriesPerMetric: 1 } });
    audit.counter('http.server.requests', { route: '/kept' }).add();
    for (let i = 0; i < 1000; i++) audit.counter('http.server.requests', { route: `/x/${i % 5}` }).add();
    const r = audit.report();
    expect(r.diagnostics.droppedSeries['http.server.requests']).toBe(5);
    expect(r.metrics.find((m) => m.attributes['otel.metric.overflow'] === true)).toMatchObject({
      value: 1000,
    });
  });

  it('caps metric names too (maxMetrics), counting the rest under (metrics)', () => {
    const audit = createAudit({ subject: 'app', limits: { maxMetrics: 2 } });
    for (let i = 0; i < 5; i++) audit.counter(`app.c${i}`).add();
    const r = audit.report();
    expect(r.metrics.map((m) => m.name)).toEqual(['app.c0', 'app.c1']);
    expect(r.diagnostics.droppedSeries['(metrics)']).toBe(3);
  });

  it('a metric name used as two kinds is counted as an audit error, never thrown', () => {
    const audit = createAudit({ subject: 'app' });
    audit.histogram('app.x').record(1);
    expect(() => audit.gauge('app.x').set(2)).not.toThrow();
    audit.counter('app.x').add(1);
    const r = audit.report();
    expect(r.metrics.filter((m) => m.name === 'app.x').map((m) => m.kind)).toEqual(['histogram']);
    expect(r.diagnostics.collectorErrors).toEqual([
      { collector: 'audit', message: 'metric app.x is a histogram, not a gauge', count: 1 },
      { collector: 'audit', message: 'metric app.x is a histogram, not a counter', count: 1 },
    ]);
  });
});

describe('Audit: findings', () => {
  it('merges the same rule + key with an occurrence count and keeps the worst severity', () => {
    const audit = createAudit({ subject: 'app' });
    audit.finding(findingInput({ severity: 'warning' }));
    audit.finding(findingInput({ severity: 'critical', count: 3 }));
    audit.finding(findingInput({ severity: 'info', title: 'N+1 queries on spend (latest)' }));
    audit.finding(findingInput({ key: 'another query' }));
    const r = audit.report();
    expect(r.findings).toHaveLength(2);
    const merged = r.findings.find((f) => f.key !== 'another query')!;
    expect(merged.occurrences).toBe(5);
    expect(merged.severity).toBe('critical');
    expect(merged.title).toBe('N+1 queries on spend (latest)');
    expect(Date.parse(merged.lastSeen)).toBeGreaterThanOrEqual(Date.parse(merged.firstSeen));
    // Sorted worst first.
    expect(r.findings[0]!.key).toBe(merged.key);
  });

  it('defaults the key to the title', () => {
    const audit = createAudit({ subject: 'app' });
    audit.finding(findingInput({ key: undefined }));
    audit.finding(findingInput({ key: undefined }));
    expect(audit.report().findings).toMatchObject([{ key: 'N+1 queries on spend', occurrences: 2 }]);
  });

  it('maxFindings caps distinct findings and counts the dropped occurrences', () => {
    const audit = createAudit({ subject: 'app', limits: { maxFindings: 2 } });
    for (let i = 0; i < 5; i++) audit.finding(findingInput({ key: `q${i}`, count: 2 }));
    audit.finding(findingInput({ key: 'q0' })); // still merges into a kept finding
    const r = audit.report();
    expect(r.findings.map((f) => [f.key, f.occurrences])).toEqual([
      ['q0', 3],
      ['q1', 2],
    ]);
    expect(r.diagnostics.droppedFindings).toBe(6);
  });

  it('an invalid finding is counted, never thrown', () => {
    const audit = createAudit({ subject: 'app' });
    expect(() => audit.finding(findingInput({ severity: 'fatal' as 'critical' }))).not.toThrow();
    expect(() => parseReport(JSON.parse(JSON.stringify(audit.report())))).toThrow(/findings\.0\.severity/);
  });
});

describe('Audit: collectors', () => {
  it('runs start on use, collect before every report, stop on close (in reverse order)', async () => {
    const calls: string[] = [];
    const collector = (name: string): Collector => ({
      name,
      start: (a) => {
        calls.push(`${name}.start`);
        a.gauge(`app.${name}`).set(1);
      },
      collect: () => {
        calls.push(`${name}.collect`);
      },
      stop: async () => {
        calls.push(`${name}.stop`);
      },
    });
    const audit = createAudit({ subject: 'app' });
    audit.use(collector('a')).use(collector('b'));
    audit.report();
    await audit.close();
    expect(calls).toEqual(['a.start', 'b.start', 'a.collect', 'b.collect', 'b.stop', 'a.stop']);
    await audit.close(); // idempotent
    audit.use(collector('late')); // ignored once closed
    expect(calls).toHaveLength(6);
  });

  it('a throwing collector is counted in diagnostics.collectorErrors, never thrown', async () => {
    let collects = 0;
    const bad: Collector = {
      name: 'flaky',
      start() {
        throw new Error('no permission');
      },
      collect() {
        collects++;
        throw new Error('read failed');
      },
      stop() {
        return Promise.reject(new Error('stuck'));
      },
    };
    const audit = createAudit({ subject: 'app' });
    expect(() => audit.use(bad)).not.toThrow();
    audit.report();
    const r = audit.report();
    expect(collects).toBe(2);
    expect(r.diagnostics.collectorErrors).toEqual([
      { collector: 'flaky', message: 'no permission', count: 1 },
      { collector: 'flaky', message: 'read failed', count: 2 },
    ]);
    await expect(audit.close()).resolves.toBeUndefined();
    expect(audit.report().diagnostics.collectorErrors).toContainEqual({
      collector: 'flaky',
      message: 'stuck',
      count: 1,
    });
  });

  it('safely() returns the value, or undefined with the error counted under the name', () => {
    const audit = createAudit({ subject: 'app' });
    expect(audit.safely('x', () => 42)).toBe(42);
    expect(
      audit.safely('x', () => {
        throw 'a string';
      }),
    ).toBeUndefined();
    expect(audit.report().diagnostics.collectorErrors).toEqual([
      { collector: 'x', message: 'a string', count: 1 },
    ]);
  });
});

describe('Audit: reset, runtime, window', () => {
  it('reset() clears data, findings, errors and drops, starts a new run, and keeps handles working', () => {
    const audit = createAudit({ subject: 'app', limits: { maxSeriesPerMetric: 1 } });
    const h = audit.histogram('http.server.request.duration', { r: 'a' });
    h.record(5);
    audit.histogram('http.server.request.duration', { r: 'b' }).record(5);
    audit.gauge('process.cpu.utilization').set(0.5);
    audit.finding(findingInput());
    audit.safely('x', () => {
      throw new Error('e');
    });
    const before = audit.report();
    audit.reset();
    const after = audit.report();
    expect(after.runId).not.toBe(before.runId);
    expect(after.metrics).toEqual([]);
    expect(after.findings).toEqual([]);
    expect(after.diagnostics).toEqual({ droppedSeries: {}, droppedFindings: 0, collectorErrors: [] });
    h.record(7);
    expect(histogramOf(audit.report(), 'http.server.request.duration')?.max).toBe(7);
    // The cap still applies after reset and counts from zero.
    audit.histogram('http.server.request.duration', { r: 'c' }).record(1);
    expect(audit.report().diagnostics.droppedSeries).toEqual({ 'http.server.request.duration': 1 });
  });

  it('setRuntime adds to the detected runtime; the window covers the run', async () => {
    const audit = createAudit({ subject: { name: 'app', version: '2' }, runtime: { cpus: 4 } });
    audit.setRuntime({ memoryLimitBytes: 1e9, memoryLimitSource: 'cgroup' });
    await new Promise((r) => setTimeout(r, 15));
    const r = audit.report();
    expect(r.runtime).toMatchObject({ node: process.versions.node, cpus: 4, memoryLimitSource: 'cgroup' });
    expect(r.subject).toEqual({ name: 'app', version: '2' });
    expect(r.durationMs).toBeGreaterThanOrEqual(10);
    expect(Date.parse(r.endTime) - Date.parse(r.startTime)).toBeCloseTo(r.durationMs, -1);
  });

  it('gauge timelines stay bounded by timelinePoints over 100k sets and keep the first and latest shape', () => {
    const audit = createAudit({ subject: 'app', limits: { timelinePoints: 64 } });
    const g = audit.gauge('v8js.memory.heap.used');
    for (let i = 0; i < 100_000; i++) g.set(i);
    const m = audit.report().metrics[0]!;
    expect(m.kind).toBe('gauge');
    if (m.kind !== 'gauge') return;
    expect(m.samples).toBe(100_000);
    expect(m.timeline!.t.length).toBeLessThanOrEqual(64);
    expect(m.timeline!.t.length).toBeGreaterThanOrEqual(32);
    expect(m.timeline!.v[0]).toBe(0);
    // Evenly strided: consecutive kept points are the same distance apart.
    const v = m.timeline!.v;
    const stride = v[1]! - v[0]!;
    expect(stride).toBeGreaterThan(1000);
    for (let i = 1; i < v.length; i++) expect(v[i]! - v[i - 1]!).toBe(stride);
    expect(v[v.length - 1]!).toBeGreaterThan(100_000 - 2 * stride);
  });
});

describe('Audit: ingest and mergeReports', () => {
  function run(values: number[], extra?: (a: Audit) => void) {
    const audit = createAudit({ subject: 'api' });
    const h = audit.histogram('http.server.request.duration', { 'http.route': '/a' });
    for (const v of values) h.record(v);
    extra?.(audit);
    return audit;
  }

  it('ingest() merges another report exactly, bucket by bucket', () => {
    const a = Array.from({ length: 500 }, (_, i) => 1 + i * 0.37);
    const b = Array.from({ length: 300 }, (_, i) => 1e-3 * (i + 1));
    const target = run(a);
    target.ingest(JSON.parse(JSON.stringify(run(b).report())));
    const merged = histogramOf(target.report(), 'http.server.request.duration')!;
    const direct = new Histogram();
    for (const v of [...a, ...b]) direct.record(v);
    expect(merged.buckets).toEqual(direct.buckets());
    expect(merged.count).toBe(800);
    expect(merged.min).toBe(direct.min);
    expect(merged.max).toBe(direct.max);
    expect(merged.p95).toBe(direct.quantile(0.95));
    expect(merged.p50).toBe(direct.quantile(0.5));
  });

  it('ingest() adds counters, combines gauges, merges findings and carries diagnostics', () => {
    const source = run([1], (a) => {
      a.counter('http.server.requests').add(10);
      a.gauge('process.cpu.utilization').set(0.8);
      a.finding(findingInput({ count: 2 }));
      a.safely('db', () => {
        throw new Error('pool closed');
      });
    });
    const target = run([2], (a) => {
      a.counter('http.server.requests').add(5);
      a.gauge('process.cpu.utilization').set(0.2);
      a.finding(findingInput());
    });
    target.ingest(source.report());
    const r = target.report();
    expect(r.metrics.find((m) => m.kind === 'counter')).toMatchObject({ value: 15 });
    expect(r.metrics.find((m) => m.kind === 'gauge')).toMatchObject({ min: 0.2, max: 0.8, samples: 2 });
    expect(r.findings).toMatchObject([{ occurrences: 3 }]);
    expect(r.diagnostics.collectorErrors).toEqual([{ collector: 'db', message: 'pool closed', count: 1 }]);
    expect(r.diagnostics.mergedFrom).toBe(1);
  });

  it('ingest() keeps the dropped-series count of the source next to its own', () => {
    const source = createAudit({ subject: 'api', limits: { maxSeriesPerMetric: 1 } });
    source.counter('http.server.requests', { r: '1' }).add();
    source.counter('http.server.requests', { r: '2' }).add();
    const target = createAudit({ subject: 'api', limits: { maxSeriesPerMetric: 1 } });
    target.ingest(source.report());
    target.counter('http.server.requests', { r: '3' }).add();
    expect(target.report().diagnostics.droppedSeries).toEqual({ 'http.server.requests': 2 });
  });

  it('ingest() takes counts from untrusted reports as numbers, never as loop bounds, and caps their names', () => {
    const hostile = run([1]).report();
    hostile.diagnostics.collectorErrors = [{ collector: 'browser', message: 'boom', count: 1e12 }];
    hostile.diagnostics.droppedSeries = Object.fromEntries(
      Array.from({ length: 5000 }, (_, i) => [`m${i}`, 1]),
    );
    const target = createAudit({ subject: 'api', limits: { maxMetrics: 50 } });
    // A loop per counted error would run for hours and hit the test timeout; a number is added at once.
    target.ingest(hostile);
    const report = target.report();
    expect(report.diagnostics.collectorErrors).toEqual([
      { collector: 'browser', message: 'boom', count: 1e12 },
    ]);
    expect(Object.keys(report.diagnostics.droppedSeries)).toHaveLength(50);
  });

  it("mergeReports describes the inputs' runtime, not the merging process's", () => {
    const a = run([1]);
    a.setRuntime({ cpus: 64, memoryLimitBytes: 2 ** 34, memoryLimitSource: 'cgroup' });
    const merged = mergeReports([a.report(), run([2]).report()]);
    expect(merged.runtime).toMatchObject({
      cpus: 64,
      memoryLimitBytes: 2 ** 34,
      memoryLimitSource: 'cgroup',
    });
  });

  it('mergeReports keeps per-run p50/p95 in runs and spans the union of the windows', () => {
    const r1 = run([10, 20, 30]).report();
    const r2 = run([100, 200, 300]).report();
    r1.startTime = '2024-01-01T00:00:00.000Z';
    r1.endTime = '2024-01-01T00:01:00.000Z';
    r2.startTime = '2024-01-01T00:00:30.000Z';
    r2.endTime = '2024-01-01T00:02:00.000Z';
    const merged = mergeReports([r1, r2], {
      budgets: defineBudgets({ 'http.server.request.duration': 'p95 < 250ms' }),
    });
    expect(merged.startTime).toBe('2024-01-01T00:00:00.000Z');
    expect(merged.endTime).toBe('2024-01-01T00:02:00.000Z');
    expect(merged.durationMs).toBe(120_000);
    const h = histogramOf(merged, 'http.server.request.duration')!;
    expect(h.count).toBe(6);
    const m1 = histogramOf(r1, 'http.server.request.duration')!;
    const m2 = histogramOf(r2, 'http.server.request.duration')!;
    expect(h.runs).toEqual([
      { runId: r1.runId, p50: m1.p50, p95: m1.p95 },
      { runId: r2.runId, p50: m2.p50, p95: m2.p95 },
    ]);
    expect(merged.diagnostics.mergedFrom).toBe(2);
    expect(merged.budgets).toMatchObject([{ status: 'fail' }]);
    // Merging merged reports keeps every original run.
    const again = mergeReports([merged, run([1]).report()]);
    expect(histogramOf(again, 'http.server.request.duration')!.runs).toHaveLength(3);
    expect(() => mergeReports([])).toThrow('mergeReports needs at least one report');
    expect(parseReport(JSON.parse(JSON.stringify(again)))).toStrictEqual(again);
  });

  it('a single report merged alone has no runs array and the same percentiles', () => {
    const r = sampleReport();
    const merged = mergeReports([r]);
    const before = histogramOf(r, 'db.client.operation.duration')!;
    const after = histogramOf(merged, 'db.client.operation.duration')!;
    expect(after.runs).toBeUndefined();
    expect([after.p50, after.p95, after.buckets]).toEqual([before.p50, before.p95, before.buckets]);
  });
});
