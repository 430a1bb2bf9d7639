import { formatSeries, formatValue } from './report/format.js';
import { AREAS } from './schema/constants.js';
import type {
  Area,
  AreaSummary,
  AuditReport,
  BudgetResult,
  FailOn,
  Finding,
  Metric,
  Severity,
  Status,
  Summary,
} from './schema/index.js';

/** What fails a report when nothing says otherwise: a failing budget or a critical finding. */
export const DEFAULT_FAIL_ON: FailOn = 'critical';

/** How a report's status is judged. */
export interface StatusOptions {
  /** 'budgets': budgets only; 'critical' (default): also any critical finding; 'warning': also any warning. */
  failOn?: FailOn;
}

/** Reasons listed in a summary at most; the rest are counted in the last one. */
const MAX_REASONS = 20;

/** fail if any budget fails; pass only if every budget passes; otherwise no-data (missing data never passes). */
export function statusOf(results: BudgetResult[]): Status {
  if (results.some((r) => r.status === 'fail')) return 'fail';
  if (results.length > 0 && results.every((r) => r.status === 'pass')) return 'pass';
  return 'no-data';
}

/** Whether a finding of this severity fails the status under `failOn`. */
export function failsOn(severity: Severity, failOn: FailOn = DEFAULT_FAIL_ON): boolean {
  if (failOn === 'budgets') return false;
  return severity === 'critical' || (failOn === 'warning' && severity === 'warning');
}

/** The status of budgets and findings together: a finding that fails under `failOn` makes it 'fail'. */
export function statusWith(budgets: BudgetResult[], findings: Finding[], failOn?: FailOn): Status {
  if (findings.some((f) => failsOn(f.severity, failOn))) return 'fail';
  return statusOf(budgets);
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** One line per failing budget, e.g. "budget http.server.request.duration p95 < 200ms failed: 482 ms on POST /api/fit 2xx". */
export function budgetReason(b: BudgetResult): string {
  const where = formatSeries(b.attributes ?? b.where);
  const series = b.seriesChecked > 1 ? ` (${b.seriesFailed} of ${b.seriesChecked} series)` : '';
  return clip(
    `budget ${b.metric} ${b.expression} failed: ${formatValue(b.observed, b.unit, b.metric)}${where ? ` on ${where}` : ''}${series}`,
    1024,
  );
}

/** Why a status is not a pass, worst first: failing budgets, failing findings, then missing data. */
export function reasonsFor(budgets: BudgetResult[], findings: Finding[], failOn?: FailOn): string[] {
  const reasons: string[] = [];
  for (const f of findings.filter((x) => x.severity === 'critical' && failsOn(x.severity, failOn)))
    reasons.push(clip(`critical finding ${f.rule}: ${f.title} (×${f.occurrences})`, 1024));
  for (const b of budgets.filter((x) => x.status === 'fail')) reasons.push(budgetReason(b));
  for (const f of findings.filter((x) => x.severity === 'warning' && failsOn(x.severity, failOn)))
    reasons.push(clip(`warning finding ${f.rule}: ${f.title} (×${f.occurrences})`, 1024));
  if (reasons.length === 0) {
    const noData = budgets.filter((b) => b.status === 'no-data');
    if (budgets.length === 0) reasons.push('no budgets were checked, and missing data is never a pass');
    else if (noData.length)
      reasons.push(
        `${noData.length} of ${budgets.length} budgets had no data (${clip(noData.map((b) => `${b.metric} ${b.expression}`).join(', '), 900)})`,
      );
  }
  if (reasons.length > MAX_REASONS) {
    const more = reasons.length - (MAX_REASONS - 1);
    reasons.splice(MAX_REASONS - 1, reasons.length, `… and ${more} more`);
  }
  return reasons;
}

/**
 * The per-area and overall status a report carries: a failing budget fails it, and so does a finding at or
 * above `failOn` (default: any critical finding); with neither, it passes only when every budget passes.
 * A summary that is not a pass says why in `reasons`.
 */
export function summarize(
  metrics: Metric[],
  findings: Finding[],
  budgets: BudgetResult[],
  options: StatusOptions = {},
): Summary {
  const failOn = options.failOn ?? DEFAULT_FAIL_ON;
  const areas = {} as Record<Area, AreaSummary>;
  for (const area of AREAS) {
    const own = budgets.filter((b) => b.area === area);
    const fs = findings.filter((f) => f.area === area);
    areas[area] = {
      status: statusWith(own, fs, failOn),
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
  const status = statusWith(budgets, findings, failOn);
  return {
    status,
    areas,
    failOn,
    ...(status === 'pass' ? {} : { reasons: reasonsFor(budgets, findings, failOn) }),
  };
}

/**
 * The report with its summary judged again under `failOn` (its own policy when not given), e.g. for
 * `perf-audit check --fail-on warning`; the input is not changed.
 */
export function judgeReport(report: AuditReport, options: StatusOptions = {}): AuditReport {
  const failOn = options.failOn ?? report.summary.failOn ?? DEFAULT_FAIL_ON;
  return { ...report, summary: summarize(report.metrics, report.findings, report.budgets, { failOn }) };
}
