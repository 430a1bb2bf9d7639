import { createAudit } from './audit/audit.js';
import { defineBudgets } from './budgets/budget.js';
import { AuditReportSchema } from './schema/report.js';

let warmed = false;

/**
 * Validates one small report that covers every schema branch, so zod compiles its validator now (about
 * 100 ms in a cold process) rather than inside the first request that carries a report. Call it at startup;
 * later calls do nothing.
 */
export function warmReportSchema(): void {
  if (warmed) return;
  warmed = true;
  const audit = createAudit({
    subject: 'warm-up',
    budgets: defineBudgets({ 'http.server.request.duration': 'p95 < 1s' }),
  });
  audit.histogram('http.server.request.duration', { 'http.route': '/' }).record(1);
  audit.gauge('process.cpu.utilization').set(0.1);
  audit.counter('http.server.requests').add(1);
  audit.finding({
    rule: 'audit.warm-up',
    area: 'backend',
    severity: 'info',
    title: 'warm-up',
    evidence: { metrics: [{ name: 'x' }], samples: ['x'], attributes: { a: 1 }, details: { a: [1] } },
    recommendation: '-',
    how: { method: 'exact', source: 'warm-up' },
  });
  AuditReportSchema.safeParse(audit.report());
}
