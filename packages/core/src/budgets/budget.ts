import { seriesKey } from '../audit/seriesKey.js';
import { areaOf, metricInfo } from '../metricCatalog.js';
import type { Area, Attributes, MetricKind } from '../schema/index.js';
import { type BudgetCheck, BudgetError, parseBudgetExpression, percentileOf } from './parse.js';
import { convert } from './units.js';

/** One target on one statistic of one metric, optionally narrowed to series whose attributes match `where`. */
export interface Budget extends BudgetCheck {
  /** metric + where + statistic: a later budget with the same id overrides an earlier one. */
  id: string;
  metric: string;
  area: Area;
  where?: Attributes;
  /** 'each': every matched series must pass (the default); 'all': the merged series must. */
  scope: 'each' | 'all';
}

/** The value side of a budget spec: 'p95 < 200ms', or the same with a filter and scope. */
export type BudgetValue = string | { check: string; where?: Attributes; scope?: 'each' | 'all'; area?: Area };

/** Budgets keyed by metric name, e.g. `{ 'http.server.request.duration': 'p95 < 200ms' }`. */
export type BudgetSpec = Record<string, BudgetValue | BudgetValue[]>;

const STATISTICS_BY_KIND: Record<MetricKind, (s: string) => boolean> = {
  histogram: (s) => ['count', 'sum', 'min', 'max', 'mean'].includes(s) || percentileOf(s) !== undefined,
  gauge: (s) => ['value', 'min', 'max', 'mean', 'rate'].includes(s),
  counter: (s) => ['value', 'rate', 'count'].includes(s),
};

/** Whether a statistic can be read from a metric of this kind. */
export function statisticApplies(kind: MetricKind, statistic: string): boolean {
  return STATISTICS_BY_KIND[kind](statistic);
}

function budgetId(metric: string, where: Attributes | undefined, statistic: string): string {
  return `${seriesKey(metric, where)}\u0000${statistic}`.replaceAll('\u0000', ' ');
}

function makeBudget(metric: string, value: BudgetValue, path: string): Budget {
  const spec = typeof value === 'string' ? { check: value } : value;
  if (!spec || typeof spec.check !== 'string') {
    throw new BudgetError(`${path}: expected a string like 'p95 < 200ms' or { check, where?, scope? }`);
  }
  let check: BudgetCheck;
  try {
    check = parseBudgetExpression(spec.check);
  } catch (err) {
    throw new BudgetError(`${path}: ${(err as Error).message}`);
  }
  if (spec.scope !== undefined && spec.scope !== 'each' && spec.scope !== 'all') {
    throw new BudgetError(`${path}: scope must be 'each' or 'all', got ${JSON.stringify(spec.scope)}`);
  }
  const info = metricInfo(metric);
  if (info) {
    if (!statisticApplies(info.kind, check.statistic)) {
      throw new BudgetError(
        `${path}: statistic '${check.statistic}' does not apply to ${metric}, a ${info.kind}`,
      );
    }
    if (check.unit !== '' && convert(1, check.unit, info.unit) === undefined) {
      throw new BudgetError(
        `${path}: unit '${check.unit}' does not fit ${metric}, measured in '${info.unit}'`,
      );
    }
  }
  return {
    ...check,
    id: budgetId(metric, spec.where, check.statistic),
    metric,
    area: spec.area ?? areaOf(metric),
    ...(spec.where ? { where: { ...spec.where } } : {}),
    scope: spec.scope ?? 'each',
  };
}

function isBudget(x: unknown): x is Budget {
  return typeof x === 'object' && x !== null && 'metric' in x && 'statistic' in x && 'operator' in x;
}

/**
 * Builds a typed budget list from specs and earlier lists (presets first, overrides last): a budget with
 * the same metric, filter and statistic as an earlier one replaces it. Throws BudgetError naming the bad entry.
 */
export function defineBudgets(...parts: (BudgetSpec | Budget[])[]): Budget[] {
  const byId = new Map<string, Budget>();
  parts.forEach((part, i) => {
    if (Array.isArray(part)) {
      part.forEach((b, j) => {
        if (!isBudget(b))
          throw new BudgetError(`budgets[${i}][${j}]: not a budget (use defineBudgets to make one)`);
        byId.set(b.id, b);
      });
      return;
    }
    if (typeof part !== 'object' || part === null) {
      throw new BudgetError(`budgets[${i}]: expected an object keyed by metric name, got ${typeof part}`);
    }
    for (const [metric, value] of Object.entries(part)) {
      const values = Array.isArray(value) ? value : [value];
      values.forEach((v, j) => {
        const path = Array.isArray(value) ? `budgets['${metric}'][${j}]` : `budgets['${metric}']`;
        const b = makeBudget(metric, v, path);
        byId.set(b.id, b);
      });
    }
  });
  return [...byId.values()];
}
