import { Histogram } from '../histogram/histogram.js';
import { mergeMetrics } from '../mergeMetrics.js';
import type { Attributes, AuditReport, BudgetResult, Metric } from '../schema/index.js';
import { type Budget, statisticApplies } from './budget.js';
import { percentileOf } from './parse.js';
import { convert } from './units.js';

/** Reads a statistic ('p95', 'max', 'value', 'rate' ...) from a metric, or undefined if it has none. */
export function statisticOf(metric: Metric, statistic: string): number | undefined {
  if (!statisticApplies(metric.kind, statistic)) return undefined;
  if (metric.kind === 'histogram') {
    const named = (metric as unknown as Record<string, unknown>)[statistic];
    if (typeof named === 'number') return named;
    const q = percentileOf(statistic);
    return q === undefined ? undefined : Histogram.fromBuckets(metric).quantile(q);
  }
  if (metric.kind === 'gauge') return statistic === 'rate' ? metric.value : metric[statistic as 'value'];
  return statistic === 'rate' ? metric.rate : metric.value;
}

/** Whether a series' attributes include every `where` attribute (compared as strings). */
export function matchesWhere(attributes: Attributes, where: Attributes | undefined): boolean {
  if (!where) return true;
  for (const [k, v] of Object.entries(where)) if (String(attributes[k]) !== String(v)) return false;
  return true;
}

function compare(observed: number, op: Budget['operator'], threshold: number): boolean {
  switch (op) {
    case '<':
      return observed < threshold;
    case '<=':
      return observed <= threshold;
    case '>':
      return observed > threshold;
    case '>=':
      return observed >= threshold;
  }
}

function evaluateOne(metrics: Metric[], budget: Budget): BudgetResult {
  const base = {
    id: budget.id,
    metric: budget.metric,
    area: budget.area,
    ...(budget.where ? { where: budget.where } : {}),
    scope: budget.scope,
    statistic: budget.statistic,
    operator: budget.operator,
    expression: budget.expression,
  };
  const noData = (reason: string, unit = budget.unit): BudgetResult => ({
    ...base,
    threshold: budget.threshold,
    unit,
    seriesChecked: 0,
    seriesFailed: 0,
    status: 'no-data',
    reason,
  });
  let matched = metrics.filter((m) => m.name === budget.metric && matchesWhere(m.attributes, budget.where));
  if (matched.length === 0) {
    const filter = budget.where ? ` with ${JSON.stringify(budget.where)}` : '';
    return noData(`no series of ${budget.metric}${filter} in the report`);
  }
  if (budget.scope === 'all' && matched.length > 1) matched = [mergeMetrics(matched)];
  const first = matched[0]!;
  const threshold =
    budget.unit === '' ? budget.threshold : convert(budget.threshold, budget.unit, first.unit);
  if (threshold === undefined) {
    return noData(
      `unit '${budget.unit}' does not fit ${budget.metric}, measured in '${first.unit}'`,
      first.unit,
    );
  }
  const lowerIsBetter = budget.operator === '<' || budget.operator === '<=';
  let worst: { value: number; attributes: Attributes } | undefined;
  let checked = 0;
  let failed = 0;
  for (const m of matched) {
    const value = statisticOf(m, budget.statistic);
    if (value === undefined || Number.isNaN(value)) continue;
    checked++;
    if (!compare(value, budget.operator, threshold)) failed++;
    if (!worst || (lowerIsBetter ? value > worst.value : value < worst.value))
      worst = { value, attributes: m.attributes };
  }
  if (!worst)
    return noData(
      `statistic '${budget.statistic}' is not available on ${budget.metric} (a ${first.kind})`,
      first.unit,
    );
  return {
    ...base,
    threshold,
    unit: first.unit,
    observed: worst.value,
    attributes: worst.attributes,
    seriesChecked: checked,
    seriesFailed: failed,
    status: failed > 0 ? 'fail' : 'pass',
  };
}

/** Checks budgets against a list of metrics; a budget with no matching data is 'no-data', never a pass. */
export function evaluateBudgets(metrics: Metric[], budgets: Budget[]): BudgetResult[] {
  return budgets.map((b) => evaluateOne(metrics, b));
}

/** Checks budgets against a report's metrics. */
export function evaluate(report: AuditReport, budgets: Budget[]): BudgetResult[] {
  return evaluateBudgets(report.metrics, budgets);
}

/** One series a budget checked: its attributes, the statistic's value and whether it met the threshold. */
export interface BudgetSeries {
  attributes: Attributes;
  value: number;
  pass: boolean;
}

/**
 * Every series a budget result checked in `report`, failing ones first (worst first), each with all its
 * attributes: what `perf-audit check` prints for a failing budget. A scope-'all' budget has one merged series.
 */
export function budgetSeries(report: Pick<AuditReport, 'metrics'>, result: BudgetResult): BudgetSeries[] {
  if (result.status === 'no-data') return [];
  let matched = report.metrics.filter(
    (m) => m.name === result.metric && matchesWhere(m.attributes, result.where),
  );
  if (result.scope === 'all' && matched.length > 1) matched = [mergeMetrics(matched)];
  const lowerIsBetter = result.operator === '<' || result.operator === '<=';
  const out: BudgetSeries[] = [];
  for (const m of matched) {
    const value = statisticOf(m, result.statistic);
    if (value === undefined || Number.isNaN(value)) continue;
    out.push({ attributes: m.attributes, value, pass: compare(value, result.operator, result.threshold) });
  }
  return out.sort(
    (a, b) => Number(a.pass) - Number(b.pass) || (lowerIsBetter ? b.value - a.value : a.value - b.value),
  );
}
