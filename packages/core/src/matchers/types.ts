import type { Budget } from '../budgets/budget.js';
import type { Attributes, FailOn, Operator } from '../schema/index.js';

/** The assertions `@perf/core/vitest` and `@perf/core/jest` add to expect(). */
export interface PerfMatchers<R = unknown> {
  /** Every budget (the report's, or the given ones) passes; no-data fails. */
  toMeetBudgets(budgets?: Budget[]): R;
  /**
   * The overall status passes: every budget passes (no-data fails) and no finding at or above `failOn`
   * ('critical' by default; 'warning'; 'budgets' for budgets only).
   */
  toPass(options?: { failOn?: FailOn; budgets?: Budget[] }): R;
  /** No finding at all, or none of a rule (or rule prefix such as 'db'). */
  toHaveNoFindings(rule?: string): R;
  /** e.g. toHavePercentile('http.server.request.duration', 'p95', '<', '200ms'). */
  toHavePercentile(
    metric: string,
    statistic: string,
    operator: Operator,
    threshold: string | number,
    where?: Attributes,
  ): R;
}
