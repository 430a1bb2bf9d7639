import { defineBudgets } from './budget.js';

/**
 * The performance audit's "Performance Targets" as budgets. Web vitals are checked at p75, as Google
 * assesses them; API and query latency at p95 per route / fingerprint, as the audit states.
 */
export const seedBudgets = {
  frontend: defineBudgets({
    'webvitals.fcp': 'p75 < 1.5s',
    'webvitals.lcp': 'p75 < 2.5s',
    'frontend.tti': 'p75 < 3.5s',
    'frontend.bundle.size': { check: 'value < 500KB', where: { entry: 'total', compression: 'gzip' } },
    'frontend.lighthouse.score': 'value > 90',
  }),
  backend: defineBudgets({
    'http.server.request.duration': 'p95 < 200ms',
    'process.memory.utilization': 'max < 80%',
    'process.cpu.utilization': 'mean < 70%',
    'http.server.error_rate': { check: 'value < 0.1%', where: { 'http.status_class': '5xx' } },
  }),
  database: defineBudgets({
    'db.client.operation.duration': 'p95 < 50ms',
  }),
  ml: defineBudgets({
    'ml.job.duration': [
      { check: 'max < 5s', where: { 'ml.job.kind': 'inference' } },
      { check: 'max < 30min', where: { 'ml.job.kind': 'training' } },
    ],
    'ml.job.memory.peak': 'max < 16GB',
    'ml.batch.throughput': 'min > 1000/h',
  }),
};

/** Every area's targets in one list. */
export const allSeedBudgets = defineBudgets(
  seedBudgets.frontend,
  seedBudgets.backend,
  seedBudgets.database,
  seedBudgets.ml,
);
