import { createAudit } from './audit/audit.js';
import type { Budget } from './budgets/budget.js';
import type { AuditReport, FailOn } from './schema/index.js';

/**
 * Merges reports from many processes, shards or runs into one: histograms merge bucket by bucket, so fleet
 * percentiles are exact (never averaged), and each run's p50/p95 are kept for the diff's noise guard.
 */
export function mergeReports(
  reports: AuditReport[],
  options: { budgets?: Budget[]; failOn?: FailOn } = {},
): AuditReport {
  const first = reports[0];
  if (!first) throw new Error('mergeReports needs at least one report');
  // The merged report describes the inputs' runtime, not the process that merges them.
  const audit = createAudit({
    subject: first.subject,
    runtime: first.runtime,
    ...(options.budgets ? { budgets: options.budgets } : {}),
    // The first input's policy unless told otherwise (a merged report keeps the policy its runs were judged by).
    ...((options.failOn ?? first.summary.failOn) ? { failOn: options.failOn ?? first.summary.failOn } : {}),
  });
  for (const r of reports) audit.ingest(r, { extendWindow: true, keepRuns: reports.length > 1 });
  return audit.report();
}
