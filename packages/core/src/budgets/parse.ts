import type { Operator } from '../schema/index.js';
import { BUDGET_UNITS, unitInfo } from './units.js';

/** A budget's check as parsed from 'p95 < 200ms'. */
export interface BudgetCheck {
  statistic: string;
  operator: Operator;
  threshold: number;
  /** The unit the threshold was written in ('' for a plain number). */
  unit: string;
  expression: string;
}

/** A budget that could not be understood; the message names the bad part and what was expected. */
export class BudgetError extends Error {
  override readonly name = 'BudgetError';
}

export const STATISTICS = ['count', 'sum', 'min', 'max', 'mean', 'value', 'rate'] as const;
const PERCENTILE = /^p(\d{1,2}(\.\d+)?|100)$/;

/** Quantile in [0,1] for a statistic like 'p95' or 'p99.9', or undefined if it is not a percentile. */
export function percentileOf(statistic: string): number | undefined {
  const m = PERCENTILE.exec(statistic);
  return m ? Number(m[1]) / 100 : undefined;
}

const SHAPE = /^\s*([A-Za-z][\w.]*)\s*(<=|>=|<|>)\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*(\S*)\s*$/;

const unknownStatistic = (statistic: string, expression: string) =>
  `unknown statistic '${statistic}' in budget '${expression}': expected one of ${STATISTICS.join(', ')} or a percentile such as p50, p95, p99.9`;

/** Why an expression does not have the '<statistic> <operator> <number><unit>' shape, naming the bad part. */
function shapeError(expression: string): string {
  const op = /<=|>=|<|>/.exec(expression);
  if (!op) {
    return `missing operator in budget '${expression}': expected one of < <= > >= between the statistic and the threshold, e.g. 'p95 < 200ms'`;
  }
  const left = expression.slice(0, op.index).trim();
  const right = expression.slice(op.index + op[0].length).trim();
  if (left === '') return `missing statistic in budget '${expression}': expected e.g. 'p95 < 200ms'`;
  if (!/^[A-Za-z][\w.]*$/.test(left)) return unknownStatistic(left, expression);
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?/.test(right)) {
    const word = right.split(/\s+/)[0] ?? '';
    return `threshold '${word}' in budget '${expression}' is not a number: expected e.g. 'p95 < 200ms'`;
  }
  return `cannot parse budget '${expression}': expected '<statistic> <operator> <number><unit>', e.g. 'p95 < 200ms' (operators: < <= > >=)`;
}

/** Parses 'p95 < 200ms', 'value <= 500KB', 'rate < 0.1%', 'value > 1000/h' strictly. */
export function parseBudgetExpression(expression: string): BudgetCheck {
  if (typeof expression !== 'string' || expression.trim() === '') {
    throw new BudgetError(
      `budget expression must be a non-empty string like 'p95 < 200ms', got ${JSON.stringify(expression)}`,
    );
  }
  const m = SHAPE.exec(expression);
  if (!m) throw new BudgetError(shapeError(expression));
  const [, statistic, operator, number, unit] = m as unknown as [string, string, Operator, string, string];
  if (
    !STATISTICS.includes(statistic as (typeof STATISTICS)[number]) &&
    percentileOf(statistic) === undefined
  ) {
    throw new BudgetError(unknownStatistic(statistic, expression));
  }
  if (unit !== '' && !BUDGET_UNITS.includes(unit)) {
    throw new BudgetError(
      `unknown unit '${unit}' in budget '${expression}': expected one of ${BUDGET_UNITS.join(', ')}`,
    );
  }
  const threshold = Number(number);
  if (!Number.isFinite(threshold))
    throw new BudgetError(`threshold '${number}' in budget '${expression}' is not a finite number`);
  if (unitInfo(unit) === undefined)
    throw new BudgetError(`unit '${unit}' in budget '${expression}' is not supported`);
  return { statistic, operator, threshold, unit, expression: expression.trim().replace(/\s+/g, ' ') };
}
