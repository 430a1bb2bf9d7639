import type { Budget } from './budgets/budget.js';
import { evaluateBudgets } from './budgets/evaluate.js';
import type { AuditReport } from './schema/index.js';
import { DEFAULT_FAIL_ON, type StatusOptions, summarize } from './summary.js';

/**
 * The report with its budgets (and summary) re-evaluated against `budgets`, its status judged under `failOn`
 * (the report's own policy when not given); the input is not changed.
 */
export function applyBudgets(
  report: AuditReport,
  budgets: Budget[],
  options: StatusOptions = {},
): AuditReport {
  const results = evaluateBudgets(report.metrics, budgets);
  const failOn = options.failOn ?? report.summary.failOn ?? DEFAULT_FAIL_ON;
  return {
    ...report,
    budgets: results,
    summary: summarize(report.metrics, report.findings, results, { failOn }),
  };
}
