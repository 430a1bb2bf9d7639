import { type Audit, type AuditReport, createAudit, defineBudgets, type FindingInput } from '@perf/core';

/** A finding as a collector would report it; override any field. */
export function findingInput(overrides: Partial<FindingInput> = {}): FindingInput {
  return {
    rule: 'db.n-plus-one',
    key: 'GET /api/channels -> select * from spend where channel_id = ?',
    area: 'database',
    severity: 'warning',
    title: 'N+1 queries on spend',
    message: '12 queries with the same fingerprint in one request',
    evidence: {
      metrics: [{ name: 'db.client.operation.duration', statistic: 'count', value: 12, unit: '{query}' }],
      samples: ['select * from spend where channel_id = ?'],
      stack: ['src/routes/channels.ts:42:17'],
      attributes: { 'http.route': '/api/channels', 'db.query.fingerprint': 'a1b2c3' },
    },
    recommendation: 'Load the rows in one query (WHERE channel_id IN (...)) or eager-load the relation.',
    how: { method: 'exact', source: '@perf/db knex query events' },
    ...overrides,
  };
}

/**
 * An audit with every kind of metric, findings of each severity and budgets that pass, fail and lack data,
 * as a small backend + database + ml run would produce.
 */
export function sampleAudit(): Audit {
  const audit = createAudit({
    subject: { name: 'mmm-api', version: '1.4.0', commit: 'abc1234', environment: 'test' },
    budgets: defineBudgets({
      'http.server.request.duration': 'p95 < 200ms',
      'db.client.operation.duration': 'p95 < 50ms',
      'process.cpu.utilization': 'mean < 70%',
      'ml.job.duration': { check: 'max < 5s', where: { 'ml.job.kind': 'inference' } },
    }),
    runtime: { cpus: 2, memoryLimitBytes: 2 ** 31, memoryLimitSource: 'configured' },
  });
  const fast = audit.histogram('http.server.request.duration', {
    'http.request.method': 'GET',
    'http.route': '/api/channels',
    'http.status_class': '2xx',
  });
  const slow = audit.histogram('http.server.request.duration', {
    'http.request.method': 'POST',
    'http.route': '/api/fit',
    'http.status_class': '2xx',
  });
  for (let i = 1; i <= 200; i++) {
    fast.record(i / 2); // 0.5 .. 100 ms
    slow.record(100 + i * 2); // 102 .. 500 ms
  }
  const db = audit.histogram('db.client.operation.duration', {
    'db.system.name': 'mysql',
    'db.operation.name': 'SELECT',
    'db.query.fingerprint': 'a1b2c3',
  });
  for (let i = 1; i <= 100; i++) db.record(i / 10);
  const cpu = audit.gauge('process.cpu.utilization');
  for (const v of [0.2, 0.4, 0.3]) cpu.set(v);
  audit.counter('http.server.requests', { 'http.route': '/api/channels' }).add(200);
  audit.finding(findingInput());
  audit.finding(
    findingInput({
      rule: 'node.event-loop-blocked',
      key: 'fit handler',
      area: 'backend',
      severity: 'critical',
      title: 'Event loop blocked for 480 ms',
      message: undefined,
      evidence: { stack: ['src/fit.ts:10:3'] },
      recommendation: 'Move the model fit to a worker thread or a child process.',
      how: { method: 'sampled', source: 'monitorEventLoopDelay', intervalMs: 20 },
    }),
  );
  audit.finding(
    findingInput({
      rule: 'cache.low-hit-rate',
      key: 'channel-cache',
      area: 'backend',
      severity: 'info',
      title: 'Cache hit rate 40%',
      message: undefined,
      evidence: {},
      recommendation: 'Raise the TTL or warm the cache.',
      how: { method: 'exact', source: 'cache wrapper' },
    }),
  );
  return audit;
}

/** The sample audit's report, as JSON would carry it. */
export function sampleReport(): AuditReport {
  return JSON.parse(JSON.stringify(sampleAudit().report())) as AuditReport;
}
