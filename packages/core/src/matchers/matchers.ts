import type { Budget } from '../budgets/budget.js';
import { evaluate, matchesWhere, statisticOf } from '../budgets/evaluate.js';
import { parseBudgetExpression } from '../budgets/parse.js';
import { convert } from '../budgets/units.js';
import { formatAttributes, formatValue } from '../report/format.js';
import type { Attributes, AuditReport, BudgetResult, FailOn, Finding, Operator } from '../schema/index.js';
import { reasonsFor, statusOf, statusWith } from '../summary.js';

/** What a matcher accepts: a report, or anything with `report()` (an Audit). */
export type ReportLike = AuditReport | { report(): AuditReport };

export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function toReport(received: unknown): AuditReport {
  if (received && typeof (received as { report?: unknown }).report === 'function') {
    return (received as { report(): AuditReport }).report();
  }
  if (received && typeof received === 'object' && 'metrics' in received && 'budgets' in received) {
    return received as AuditReport;
  }
  throw new TypeError('expected an AuditReport or an Audit (something with report())');
}

const describeBudget = (b: BudgetResult) =>
  `${b.status.toUpperCase().padEnd(7)} ${b.metric} ${formatAttributes(b.attributes ?? b.where)} ${b.expression}: ` +
  (b.status === 'no-data'
    ? (b.reason ?? 'no data')
    : `observed ${formatValue(b.observed, b.unit, b.metric)} vs ${formatValue(b.threshold, b.unit, b.metric)}`);

const describeFindings = (fs: Finding[], n = 5) =>
  fs.length === 0
    ? '  (no findings)'
    : fs
        .slice(0, n)
        .map((f) => `  ${f.severity} ${f.rule}: ${f.title} ×${f.occurrences}`)
        .join('\n') + (fs.length > n ? `\n  … ${fs.length - n} more` : '');

/** Passes when every budget passes; a budget without data fails the check. Findings do not count (see toPass). */
export function toMeetBudgets(received: ReportLike, budgets?: Budget[]): MatcherResult {
  const report = toReport(received);
  const results = budgets ? evaluate(report, budgets) : report.budgets;
  const pass = results.length > 0 && statusOf(results) === 'pass';
  return {
    pass,
    message: () => {
      if (results.length === 0) return 'expected budgets to be met, but no budgets were given or configured';
      const bad = results.filter((b) => b.status !== 'pass');
      return pass
        ? `expected some budget to fail, but all ${results.length} passed`
        : `expected all ${results.length} budgets to be met; ${bad.length} did not:\n${bad.map((b) => `  ${describeBudget(b)}`).join('\n')}\ntop findings:\n${describeFindings(report.findings)}`;
    },
  };
}

/** Options of `toPass`. */
export interface PassOptions {
  /** What fails besides budgets: 'critical' (default), 'warning', or 'budgets' (then it is toMeetBudgets). */
  failOn?: FailOn;
  /** Budgets to check instead of the report's own. */
  budgets?: Budget[];
}

/**
 * Passes when the report's overall status is a pass under `failOn`: every budget passes (no-data fails) and no
 * finding at or above `failOn` (default: no critical finding). The message says which budget or finding failed.
 */
export function toPass(received: ReportLike, options: PassOptions = {}): MatcherResult {
  const report = toReport(received);
  const failOn = options.failOn ?? 'critical';
  const results = options.budgets ? evaluate(report, options.budgets) : report.budgets;
  const status = statusWith(results, report.findings, failOn);
  const pass = status === 'pass';
  return {
    pass,
    message: () =>
      pass
        ? `expected the report to fail (failOn '${failOn}'), but every one of ${results.length} budgets passed and no finding fails it`
        : `expected the report to pass (failOn '${failOn}'), but its status is ${status}:\n${reasonsFor(
            results,
            report.findings,
            failOn,
          )
            .map((r) => `  ${r}`)
            .join('\n')}\ntop findings:\n${describeFindings(report.findings)}`,
  };
}

/** Passes when the report has no finding (of `rule`, or with a rule starting with `rule.` when given). */
export function toHaveNoFindings(received: ReportLike, rule?: string): MatcherResult {
  const report = toReport(received);
  const found = report.findings.filter(
    (f) => rule === undefined || f.rule === rule || f.rule.startsWith(`${rule}.`),
  );
  return {
    pass: found.length === 0,
    message: () =>
      found.length === 0
        ? `expected findings${rule ? ` of ${rule}` : ''}, but there were none`
        : `expected no findings${rule ? ` of ${rule}` : ''}, got ${found.length}:\n${describeFindings(found, 10)}`,
  };
}

/**
 * Passes when the statistic of every series of `metric` (matching `where`) satisfies the comparison,
 * e.g. toHavePercentile('http.server.request.duration', 'p95', '<', '200ms').
 */
export function toHavePercentile(
  received: ReportLike,
  metric: string,
  statistic: string,
  operator: Operator,
  threshold: string | number,
  where?: Attributes,
): MatcherResult {
  const report = toReport(received);
  const check = parseBudgetExpression(`${statistic} ${operator} ${threshold}`);
  const series = report.metrics.filter((m) => m.name === metric && matchesWhere(m.attributes, where));
  const failures: string[] = [];
  let checked = 0;
  for (const m of series) {
    const value = statisticOf(m, statistic);
    const limit = check.unit === '' ? check.threshold : convert(check.threshold, check.unit, m.unit);
    if (value === undefined || limit === undefined) continue;
    checked++;
    const ok =
      operator === '<'
        ? value < limit
        : operator === '<='
          ? value <= limit
          : operator === '>'
            ? value > limit
            : value >= limit;
    if (!ok)
      failures.push(
        `  ${formatAttributes(m.attributes) || '(no attributes)'}: ${statistic} = ${formatValue(value, m.unit, m.name)}`,
      );
  }
  const pass = checked > 0 && failures.length === 0;
  return {
    pass,
    message: () =>
      checked === 0
        ? `expected ${metric} ${check.expression}, but the report has no such series${where ? ` with ${JSON.stringify(where)}` : ''}`
        : pass
          ? `expected ${metric} not to have ${check.expression}, but all ${checked} series did`
          : `expected ${metric} ${check.expression}; ${failures.length} of ${checked} series did not:\n${failures.join('\n')}`,
  };
}

/** The matchers as an object for `expect.extend`. */
export const perfMatchers = { toMeetBudgets, toPass, toHaveNoFindings, toHavePercentile };
