import { AREAS } from './schema/constants.js';
import type { Area, AreaSummary, BudgetResult, Finding, Metric, Status, Summary } from './schema/index.js';

/** fail if any budget fails; pass only if every budget passes; otherwise no-data (missing data never passes). */
export function statusOf(results: BudgetResult[]): Status {
  if (results.some((r) => r.status === 'fail')) return 'fail';
  if (results.length > 0 && results.every((r) => r.status === 'pass')) return 'pass';
  return 'no-data';
}

/** The per-area and overall status a report carries. */
export function summarize(metrics: Metric[], findings: Finding[], budgets: BudgetResult[]): Summary {
  const areas = {} as Record<Area, AreaSummary>;
  for (const area of AREAS) {
    const own = budgets.filter((b) => b.area === area);
    const fs = findings.filter((f) => f.area === area);
    areas[area] = {
      status: statusOf(own),
      metrics: metrics.filter((m) => m.area === area).length,
      findings: {
        info: fs.filter((f) => f.severity === 'info').length,
        warning: fs.filter((f) => f.severity === 'warning').length,
        critical: fs.filter((f) => f.severity === 'critical').length,
      },
      budgets: {
        pass: own.filter((b) => b.status === 'pass').length,
        fail: own.filter((b) => b.status === 'fail').length,
        noData: own.filter((b) => b.status === 'no-data').length,
      },
    };
  }
  return { status: statusOf(budgets), areas };
}
