import { type Audit, createAudit } from '@perf/core';

/** Known inputs, so every exported number can be checked against both the report and the raw values. */
export const REQUEST_MS = {
  '/users/:id': [0, 1.5, 3, 7, 12, 12, 40, 80, 150, 310, 700, 1900],
  '/reports': [2.2, 18, 55, 95, 240, 480, 950],
} as const;
export const QUERY_MS = [0.3, 0.9, 2.5, 4, 11, 27];
export const BODY_BYTES = [120, 512, 4096, 70_000];

/** An audit with a histogram, gauge and counter of each unit family the bridge converts, and two findings. */
export function fixtureAudit(): Audit {
  const audit = createAudit({ subject: { name: 'otel-fixture', version: '1.0.0' } });
  for (const [route, values] of Object.entries(REQUEST_MS)) {
    const attrs = { 'http.request.method': 'GET', 'http.route': route, 'http.status_class': '2xx' };
    const h = audit.histogram('http.server.request.duration', attrs);
    for (const v of values) h.record(v);
    audit.counter('http.server.requests', attrs).add(values.length);
  }
  const q = audit.histogram('db.client.operation.duration', {
    'db.system.name': 'postgresql',
    'db.operation.name': 'SELECT',
    'db.collection.name': 'users',
    'db.query.fingerprint': 'a1b2c3d4',
  });
  for (const v of QUERY_MS) q.record(v);
  const body = audit.histogram('http.server.response.body.size', { 'http.route': '/reports' });
  for (const v of BODY_BYTES) body.record(v);
  audit.gauge('v8js.memory.heap.limit').set(4_345_298_944);
  audit.gauge('process.cpu.utilization').set(0.42);
  audit.gauge('http.server.throughput').set(12.5);
  audit.gauge('v8js.gc.time_per_second').set(3.25);
  audit.finding({
    rule: 'http.slow-endpoint',
    key: 'GET /users/:id',
    area: 'backend',
    severity: 'warning',
    title: 'GET /users/:id p95 is 1900 ms',
    message: 'over the 200 ms budget',
    evidence: { attributes: { 'http.route': '/users/:id', 'http.request.method': 'GET' } },
    recommendation: 'Cache the user lookup.',
    how: { method: 'exact', source: 'histogram of every request' },
  });
  audit.finding({
    rule: 'db.n-plus-one',
    key: 'a1b2c3d4',
    area: 'database',
    severity: 'critical',
    title: 'N+1 on users',
    evidence: { samples: ['SELECT * FROM users WHERE id = ?'] },
    recommendation: 'Batch the lookups with WHERE id IN (...).',
    how: { method: 'exact', source: 'query counts per request', intervalMs: 1000 },
  });
  return audit;
}
