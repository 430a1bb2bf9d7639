import {
  type AuditReport,
  allSeedBudgets,
  applyBudgets,
  BudgetError,
  convert,
  createAudit,
  defineBudgets,
  evaluate,
  Histogram,
  metricInfo,
  parseBudgetExpression,
  seedBudgets,
} from '@perf/core';
import { describe, expect, it } from 'vitest';

describe('parseBudgetExpression: good strings', () => {
  it.each([
    ['p95 < 200ms', { statistic: 'p95', operator: '<', threshold: 200, unit: 'ms' }],
    ['value <= 500KB', { statistic: 'value', operator: '<=', threshold: 500, unit: 'KB' }],
    ['rate < 0.1%', { statistic: 'rate', operator: '<', threshold: 0.1, unit: '%' }],
    ['value > 1000/h', { statistic: 'value', operator: '>', threshold: 1000, unit: '/h' }],
    ['p99.9 <= 1s', { statistic: 'p99.9', operator: '<=', threshold: 1, unit: 's' }],
    ['max < 16GB', { statistic: 'max', operator: '<', threshold: 16, unit: 'GB' }],
    ['mean < 70%', { statistic: 'mean', operator: '<', threshold: 70, unit: '%' }],
    ['count >= 1e3', { statistic: 'count', operator: '>=', threshold: 1000, unit: '' }],
    ['  min   >   .5min ', { statistic: 'min', operator: '>', threshold: 0.5, unit: 'min' }],
  ])('%s', (expression, expected) => {
    const check = parseBudgetExpression(expression);
    expect(check).toMatchObject(expected);
    expect(check.expression).toBe(expression.trim().replace(/\s+/g, ' '));
  });
});

describe('parseBudgetExpression: bad strings name the bad part', () => {
  it.each([
    [
      'p95 < 200 parsecs',
      "unknown unit 'parsecs' in budget 'p95 < 200 parsecs': expected one of us, ms, s, min, h, B, KB, MB, GB, KiB, MiB, GiB, %, /s, /min, /h",
    ],
    [
      'p95 < 200msec',
      "unknown unit 'msec' in budget 'p95 < 200msec': expected one of us, ms, s, min, h, B, KB, MB, GB, KiB, MiB, GiB, %, /s, /min, /h",
    ],
    [
      'median < 200ms',
      "unknown statistic 'median' in budget 'median < 200ms': expected one of count, sum, min, max, mean, value, rate or a percentile such as p50, p95, p99.9",
    ],
    [
      'p101 < 1s',
      "unknown statistic 'p101' in budget 'p101 < 1s': expected one of count, sum, min, max, mean, value, rate or a percentile such as p50, p95, p99.9",
    ],
    [
      'p95 200ms',
      "missing operator in budget 'p95 200ms': expected one of < <= > >= between the statistic and the threshold, e.g. 'p95 < 200ms'",
    ],
    [
      'p95 == 200ms',
      "missing operator in budget 'p95 == 200ms': expected one of < <= > >= between the statistic and the threshold, e.g. 'p95 < 200ms'",
    ],
    ['', `budget expression must be a non-empty string like 'p95 < 200ms', got ""`],
    ['   ', `budget expression must be a non-empty string like 'p95 < 200ms', got "   "`],
    ['p95 < NaN', "threshold 'NaN' in budget 'p95 < NaN' is not a number: expected e.g. 'p95 < 200ms'"],
    ['p95 < ms', "threshold 'ms' in budget 'p95 < ms' is not a number: expected e.g. 'p95 < 200ms'"],
    ['p95 <', "threshold '' in budget 'p95 <' is not a number: expected e.g. 'p95 < 200ms'"],
    ['< 200ms', "missing statistic in budget '< 200ms': expected e.g. 'p95 < 200ms'"],
    ['p95 < 1e999ms', "threshold '1e999' in budget 'p95 < 1e999ms' is not a finite number"],
  ])('%j', (expression, message) => {
    expect(() => parseBudgetExpression(expression)).toThrow(BudgetError);
    expect(() => parseBudgetExpression(expression)).toThrow(message);
    try {
      parseBudgetExpression(expression);
    } catch (err) {
      expect((err as Error).message).toBe(message);
    }
  });

  it('rejects a non-string', () => {
    expect(() => parseBudgetExpression(42 as unknown as string)).toThrow(
      'budget expression must be a non-empty string',
    );
  });
});

describe('defineBudgets', () => {
  it('builds typed budgets with area, default scope and filters', () => {
    const budgets = defineBudgets({
      'http.server.request.duration': [
        'p95 < 200ms',
        { check: 'p99 < 1s', where: { 'http.route': '/api/fit' }, scope: 'all' },
      ],
      'db.client.operation.duration': 'p95 < 50ms',
    });
    expect(budgets).toMatchObject([
      { metric: 'http.server.request.duration', area: 'backend', scope: 'each', threshold: 200, unit: 'ms' },
      {
        metric: 'http.server.request.duration',
        where: { 'http.route': '/api/fit' },
        scope: 'all',
        statistic: 'p99',
      },
      { metric: 'db.client.operation.duration', area: 'database' },
    ]);
  });

  it('a later budget with the same metric, filter and statistic overrides an earlier one', () => {
    const budgets = defineBudgets(seedBudgets.backend, {
      'http.server.request.duration': 'p95 < 300ms',
      'process.cpu.utilization': 'max < 90%',
    });
    const latency = budgets.filter((b) => b.metric === 'http.server.request.duration');
    expect(latency).toHaveLength(1);
    expect(latency[0]!.threshold).toBe(300);
    // A different statistic is a different budget, not an override.
    expect(budgets.filter((b) => b.metric === 'process.cpu.utilization').map((b) => b.statistic)).toEqual([
      'mean',
      'max',
    ]);
    expect(budgets).toHaveLength(seedBudgets.backend.length + 1);
  });

  it('errors name the key for catalog metrics with a wrong statistic or unit', () => {
    expect(() => defineBudgets({ 'process.cpu.utilization': 'p95 < 70%' })).toThrow(
      "budgets['process.cpu.utilization']: statistic 'p95' does not apply to process.cpu.utilization, a gauge",
    );
    expect(() => defineBudgets({ 'http.server.request.duration': 'p95 < 200KB' })).toThrow(
      "budgets['http.server.request.duration']: unit 'KB' does not fit http.server.request.duration, measured in 'ms'",
    );
    expect(() => defineBudgets({ 'ml.job.duration': ['max < 5s', 'max < 5 bananas'] })).toThrow(
      "budgets['ml.job.duration'][1]: unknown unit 'bananas'",
    );
    expect(() =>
      defineBudgets({ 'http.server.request.duration': { check: 'p95 < 1s', scope: 'some' as 'all' } }),
    ).toThrow(`budgets['http.server.request.duration']: scope must be 'each' or 'all', got "some"`);
    expect(() => defineBudgets({ 'app.x': { where: {} } as unknown as string })).toThrow(
      "budgets['app.x']: expected a string like 'p95 < 200ms' or { check, where?, scope? }",
    );
    expect(() => defineBudgets([{ metric: 'x' }] as never)).toThrow('budgets[0][0]: not a budget');
  });

  it('custom metrics accept any statistic and unit; their area comes from the name prefix', () => {
    const [b] = defineBudgets({ 'ml.fit.divergences': 'count < 1' });
    expect(b).toMatchObject({ area: 'ml', statistic: 'count', threshold: 1, unit: '' });
  });
});

/** A report with the given audit contents and budgets. */
function reportWith(fill: (a: ReturnType<typeof createAudit>) => void): AuditReport {
  const audit = createAudit({ subject: 'app' });
  fill(audit);
  return audit.report();
}

describe('evaluate', () => {
  const latency = reportWith((a) => {
    const fast = a.histogram('http.server.request.duration', { 'http.route': '/fast', method: 'GET' });
    const slow = a.histogram('http.server.request.duration', { 'http.route': '/slow', method: 'GET' });
    for (let i = 1; i <= 1000; i++) {
      fast.record(i / 10); // p95 ~ 95 ms
      slow.record(i); // p95 ~ 950 ms, p99.9 ~ 999 ms
    }
  });

  it('pass and fail; observed is the worst series, with its attributes', () => {
    const [pass, fail] = evaluate(
      latency,
      defineBudgets({ 'http.server.request.duration': ['max < 2s', 'p95 < 200ms'] }),
    );
    expect(pass).toMatchObject({ status: 'pass', seriesChecked: 2, seriesFailed: 0, observed: 1000 });
    expect(fail).toMatchObject({
      status: 'fail',
      statistic: 'p95',
      threshold: 200,
      unit: 'ms',
      seriesChecked: 2,
      seriesFailed: 1,
      attributes: { 'http.route': '/slow', method: 'GET' },
    });
    expect(Math.abs(fail!.observed! - 950) / 950).toBeLessThan(0.01);
  });

  it('a lower bound reports the lowest series as the worst', () => {
    const [r] = evaluate(latency, defineBudgets({ 'http.server.request.duration': 'min > 0.5ms' }));
    expect(r).toMatchObject({ status: 'fail', observed: 0.1, attributes: { 'http.route': '/fast' } });
  });

  it('attribute filters narrow the series; scope all checks the merged series', () => {
    const [onlyFast, allMerged] = evaluate(
      latency,
      defineBudgets(
        { 'http.server.request.duration': { check: 'p95 < 200ms', where: { 'http.route': '/fast' } } },
        { 'http.server.request.duration': { check: 'p50 < 300ms', where: { method: 'GET' }, scope: 'all' } },
      ),
    );
    // Same metric, filter and statistic: the 'each' budget replaces the 'all' one (same id).
    const each = evaluate(
      latency,
      defineBudgets(
        { 'http.server.request.duration': { check: 'p50 < 300ms', where: { method: 'GET' }, scope: 'all' } },
        { 'http.server.request.duration': { check: 'p50 < 300ms', where: { method: 'GET' } } },
      ),
    );
    expect(each).toHaveLength(1);
    expect(onlyFast).toMatchObject({ status: 'pass', seriesChecked: 1 });
    // Merged: 2000 values, the median sits at the boundary of the two series (~100 ms): a pass,
    // while checking each series fails on /slow (p50 ~ 500 ms).
    expect(allMerged).toMatchObject({ status: 'pass', seriesChecked: 1 });
    expect(allMerged!.observed!).toBeLessThan(110);
    expect(each[0]).toMatchObject({ status: 'fail', scope: 'each', seriesChecked: 2, seriesFailed: 1 });
  });

  it('no data is never a pass, and makes the summary no-data', () => {
    const budgets = defineBudgets(
      { 'db.client.operation.duration': 'p95 < 50ms' },
      { 'http.server.request.duration': { check: 'p95 < 1s', where: { 'http.route': '/missing' } } },
    );
    const results = evaluate(latency, budgets);
    expect(results).toMatchObject([
      {
        status: 'no-data',
        reason: 'no series of db.client.operation.duration in the report',
        seriesChecked: 0,
      },
      {
        status: 'no-data',
        reason: 'no series of http.server.request.duration with {"http.route":"/missing"} in the report',
      },
    ]);
    expect(results.every((r) => r.observed === undefined)).toBe(true);
    const checked = applyBudgets(latency, budgets);
    expect(checked.summary.status).toBe('no-data');
    expect(checked.summary.areas.database).toMatchObject({ status: 'no-data', budgets: { noData: 1 } });
    // One pass next to a no-data is still not a pass.
    const mixed = applyBudgets(
      latency,
      defineBudgets(budgets, { 'http.server.request.duration': 'max < 1h' }),
    );
    expect(mixed.summary.status).toBe('no-data');
    expect(applyBudgets(latency, []).summary.status).toBe('no-data');
  });

  it('converts units: s vs ms, KB vs B, % vs fraction, /h vs /s', () => {
    const r = reportWith((a) => {
      a.histogram('ml.job.duration', { 'ml.job.kind': 'inference' }).record(4200);
      a.gauge('frontend.bundle.size', { entry: 'total', compression: 'gzip' }).set(480_000);
      a.gauge('process.memory.utilization').set(0.85);
      a.gauge('ml.batch.throughput').set(1800); // per hour
      a.gauge('http.server.throughput').set(0.5); // per second
    });
    const results = evaluate(
      r,
      defineBudgets({
        'ml.job.duration': 'max < 5s',
        'frontend.bundle.size': 'value <= 500KB',
        'process.memory.utilization': 'max < 80%',
        'ml.batch.throughput': 'value > 0.25/s',
        'http.server.throughput': 'value >= 1000/h',
      }),
    );
    expect(results.map((b) => [b.metric, b.status, b.threshold, b.unit])).toEqual([
      ['ml.job.duration', 'pass', 5000, 'ms'],
      ['frontend.bundle.size', 'pass', 500_000, 'B'],
      ['process.memory.utilization', 'fail', 0.8, '1'],
      ['ml.batch.throughput', 'pass', 900, '/h'],
      ['http.server.throughput', 'pass', 1000 / 3600, '/s'],
    ]);
    expect(convert(1, 'GiB', 'B')).toBe(2 ** 30);
    expect(convert(1, 'ms', 'B')).toBeUndefined();
  });

  it('a unit that does not fit a custom metric is no-data with the reason', () => {
    const r = reportWith((a) => a.histogram('app.payload', {}, { unit: 'B' }).record(10));
    const [res] = evaluate(r, defineBudgets({ 'app.payload': 'p95 < 200ms' }));
    expect(res).toMatchObject({
      status: 'no-data',
      reason: "unit 'ms' does not fit app.payload, measured in 'B'",
    });
  });

  it('percentiles the report does not carry (p99.9) are read from the buckets', () => {
    const h = new Histogram();
    for (let i = 1; i <= 1000; i++) h.record(i);
    const [r] = evaluate(latency, defineBudgets({ 'http.server.request.duration': 'p99.9 < 990ms' }));
    expect(r).toMatchObject({ status: 'fail', attributes: { 'http.route': '/slow' } });
    expect(r!.observed).toBe(h.quantile(0.999));
    expect(Math.abs(r!.observed! - 999) / 999).toBeLessThan(0.01);
    // p95 is read from the stored field, equal to the bucket estimate.
    const [p95] = evaluate(latency, defineBudgets({ 'http.server.request.duration': 'p95 < 2s' }));
    expect(p95!.observed).toBe(h.quantile(0.95));
  });

  it('statistics that a metric kind lacks are no-data', () => {
    const r = reportWith((a) => a.counter('app.events').add(3));
    const [res] = evaluate(r, defineBudgets({ 'app.events': 'p95 < 3' }));
    expect(res).toMatchObject({
      status: 'no-data',
      reason: "statistic 'p95' is not available on app.events (a counter)",
    });
  });
});

describe('seedBudgets', () => {
  const find = (metric: string, statistic: string, where?: Record<string, string>) =>
    allSeedBudgets.find(
      (b) =>
        b.metric === metric &&
        b.statistic === statistic &&
        JSON.stringify(b.where ?? null) === JSON.stringify(where ?? null),
    );

  it.each([
    ['webvitals.fcp', 'p75', '<', 1500, undefined],
    ['webvitals.lcp', 'p75', '<', 2500, undefined],
    ['frontend.tti', 'p75', '<', 3500, undefined],
    ['frontend.bundle.size', 'value', '<', 500_000, { entry: 'total', compression: 'gzip' }],
    ['frontend.lighthouse.score', 'value', '>', 90, undefined],
    ['http.server.request.duration', 'p95', '<', 200, undefined],
    ['process.memory.utilization', 'max', '<', 0.8, undefined],
    ['process.cpu.utilization', 'mean', '<', 0.7, undefined],
    ['http.server.error_rate', 'value', '<', 0.001, { 'http.status_class': '5xx' }],
    ['db.client.operation.duration', 'p95', '<', 50, undefined],
    ['ml.job.duration', 'max', '<', 5000, { 'ml.job.kind': 'inference' }],
    ['ml.job.duration', 'max', '<', 30 * 60_000, { 'ml.job.kind': 'training' }],
    ['ml.job.memory.peak', 'max', '<', 16e9, undefined],
    ['ml.batch.throughput', 'min', '>', 1000, undefined],
  ] as const)('%s %s %s %d (in the metric unit)', (metric, statistic, operator, threshold, where) => {
    const b = find(metric, statistic, where);
    expect(b, `${metric} ${statistic}`).toBeDefined();
    expect(b!.operator).toBe(operator);
    // The threshold the evaluator compares with, converted to the metric's unit.
    const r = reportWith(() => {});
    const [res] = evaluate(r, [b!]);
    const converted =
      b!.unit === '' ? b!.threshold : convert(b!.threshold, b!.unit, metricInfo(metric)!.unit);
    expect(converted).toBeCloseTo(threshold, 9);
    expect(res!.status).toBe('no-data');
  });

  it('every area has its presets and each preset belongs to its area', () => {
    for (const area of ['frontend', 'backend', 'database', 'ml'] as const) {
      expect(seedBudgets[area].length).toBeGreaterThan(0);
      for (const b of seedBudgets[area]) expect(b.area).toBe(area);
    }
    expect(allSeedBudgets).toHaveLength(Object.values(seedBudgets).reduce((n, list) => n + list.length, 0));
  });

  it('a report meeting the targets passes them', () => {
    const r = reportWith((a) => {
      const h = a.histogram('http.server.request.duration', { 'http.route': '/a' });
      for (let i = 0; i < 100; i++) h.record(50);
      a.gauge('process.memory.utilization').set(0.5);
      a.gauge('process.cpu.utilization').set(0.3);
      a.gauge('http.server.error_rate', { 'http.status_class': '5xx' }).set(0.0005);
    });
    expect(evaluate(r, seedBudgets.backend).map((b) => b.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
  });
});
