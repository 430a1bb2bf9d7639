import type { Budget } from './budgets/budget.js';
import { evaluateBudgets } from './budgets/evaluate.js';
import type { AuditReport } from './schema/index.js';
import { summarize } from './summary.js';

/** The report with its budgets (and summary) re-evaluated against `budgets`; the input is not changed. */
export function applyBudgets(report: AuditReport, budgets: Budget[]): AuditReport {
  const results = evaluateBudgets(report.metrics, budgets);
  return { ...report, budgets: results, summary: summarize(report.metrics, report.findings, results) };
}
