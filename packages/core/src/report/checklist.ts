import type { AuditReport, Status } from '../schema/index.js';
import { statusOf } from '../summary.js';

/** One line of the audit's "Performance Review Checklist", decided from the report's data. */
export interface ChecklistItem {
  label: string;
  status: Status;
  why: string;
}

const has = (r: AuditReport, name: string) => r.metrics.some((m) => m.name === name);
const findingsOf = (r: AuditReport, test: (rule: string) => boolean) =>
  r.findings.filter((f) => test(f.rule));

function byBudgets(r: AuditReport, metric: string, label: string, missing: string): ChecklistItem {
  const own = r.budgets.filter((b) => b.metric === metric);
  const status = statusOf(own);
  const failed = own.filter((b) => b.status === 'fail').length;
  const why =
    own.length === 0
      ? `no budget on ${metric}`
      : status === 'no-data'
        ? missing
        : status === 'fail'
          ? `${failed} of ${own.length} budgets on ${metric} failed`
          : `${own.length} budgets on ${metric} pass`;
  return { label, status, why };
}

function byFindings(
  r: AuditReport,
  label: string,
  rule: (rule: string) => boolean,
  evidenceMetric: string,
  noun: string,
): ChecklistItem {
  // Any severity counts: a full scan reported as info on a small table is still a scan (it grows with the table).
  const found = findingsOf(r, rule);
  if (found.length) {
    const rules = [...new Set(found.map((f) => f.rule))];
    const info = found.filter((f) => f.severity === 'info').length;
    return {
      label,
      status: 'fail',
      why: `${found.length} finding(s): ${rules.join(', ')}${info ? ` (${info} info)` : ''}`,
    };
  }
  if (has(r, evidenceMetric)) return { label, status: 'pass', why: `${noun} measured, no finding` };
  return { label, status: 'no-data', why: `no ${evidenceMetric} metric in the report` };
}

/** The audit's review checklist, each line checked, failed or left open (no data) from the report. */
export function reviewChecklist(r: AuditReport): ChecklistItem[] {
  const backend = r.budgets.filter((b) => b.area === 'backend');
  const loadStatus = has(r, 'http.server.request.duration') ? statusOf(backend) : 'no-data';
  return [
    byBudgets(
      r,
      'frontend.bundle.size',
      'Frontend bundle size optimized',
      'no bundle size measured (run perf-audit bundle)',
    ),
    byFindings(
      r,
      'Database queries use proper indexes',
      (x) => x === 'db.missing-index',
      'db.client.operation.duration',
      'queries',
    ),
    byFindings(
      r,
      'Caching implemented where beneficial',
      (x) => x.startsWith('cache.'),
      'cache.hit_rate',
      'cache hit rates',
    ),
    byFindings(
      r,
      'Memory leaks identified and fixed',
      (x) => /leak/.test(x),
      'v8js.memory.heap.used',
      'heap after GC',
    ),
    byBudgets(
      r,
      'http.server.request.duration',
      'API response times meet targets',
      'no HTTP traffic measured',
    ),
    {
      label: 'Monitoring and alerting configured',
      status: r.budgets.length > 0 ? 'pass' : 'no-data',
      why: r.budgets.length > 0 ? `${r.budgets.length} budgets checked on this run` : 'no budgets configured',
    },
    {
      label: 'Load testing passes successfully',
      status: loadStatus,
      why:
        loadStatus === 'no-data'
          ? 'no HTTP load measured, or backend budgets without data'
          : `backend budgets ${loadStatus}`,
    },
    {
      label: 'Documentation updated with performance guidelines',
      status: 'no-data',
      why: 'not measurable from a report',
    },
  ];
}
