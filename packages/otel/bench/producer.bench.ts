// Cost of one metric collection through the bridge, as a ratio against building the audit report alone (the
// work a collection cannot avoid). Run: pnpm --filter @perf/otel bench
import { cpus } from 'node:os';
import { createAudit } from '@perf/core';
import { createAuditMetricProducer, defaultExplicitBoundaries } from '../src/index.js';

const ROUTES = 100;
const VALUES = 2_000;
const ROUNDS = 200;

const audit = createAudit({ subject: 'bench' });
for (let r = 0; r < ROUTES; r++) {
  const h = audit.histogram('http.server.request.duration', {
    'http.route': `/r${r}`,
    'http.request.method': 'GET',
  });
  for (let i = 0; i < VALUES; i++) h.record(Math.exp(Math.random() * 8));
  audit.counter('http.server.requests', { 'http.route': `/r${r}` }).add(VALUES);
  audit.gauge('cache.hit_rate', { 'cache.name': `c${r}` }).set(Math.random());
}
const exponential = createAuditMetricProducer(audit);
const explicit = createAuditMetricProducer(audit, { explicitBoundaries: defaultExplicitBoundaries });

async function time(label: string, fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) await fn();
  const ms = (performance.now() - t0) / ROUNDS;
  console.log(`${label.padEnd(34)} ${ms.toFixed(3)} ms per collection`);
  return ms;
}

const base = await time('audit.report() alone (baseline)', () => audit.report());
const exp = await time('producer.collect() exponential', () => exponential.collect());
const exq = await time('producer.collect() explicit buckets', () => explicit.collect());
console.log(
  `\n${ROUTES} histogram series (${VALUES} values each) + ${ROUTES} counters + ${ROUTES} gauges; ` +
    `${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, Node ${process.version}`,
);
console.log(`ratio exponential / report: ${(exp / base).toFixed(2)}`);
console.log(`ratio explicit / report:    ${(exq / base).toFixed(2)}`);
