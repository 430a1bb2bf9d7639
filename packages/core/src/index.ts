// Everything the recorder entry has (zod-free), plus schemas, parsing, reporters, matchers and tooling.

export { applyBudgets } from './applyBudgets.js';
export { statisticApplies } from './budgets/budget.js';
export { type BudgetSeries, budgetSeries, evaluate, matchesWhere, statisticOf } from './budgets/evaluate.js';
export {
  type BudgetCheck,
  BudgetError,
  parseBudgetExpression,
  percentileOf,
  STATISTICS,
} from './budgets/parse.js';
export { allSeedBudgets, seedBudgets } from './budgets/seed.js';
export { convert, type UnitInfo, unitInfo } from './budgets/units.js';
export { type DiffOptions, diffReports, type MetricChange, type ReportDiff } from './diffReports.js';
export { DEFAULT_MAX_BUCKETS, DEFAULT_MAX_SCALE, type HistogramSummary } from './histogram/histogram.js';
export { bucketEstimate, lowerBoundary, mapToIndex, relativeErrorAt } from './histogram/mapping.js';
export {
  type PassOptions,
  perfMatchers,
  type ReportLike,
  toHaveNoFindings,
  toHavePercentile,
  toMeetBudgets,
  toPass,
} from './matchers/matchers.js';
export type { PerfMatchers } from './matchers/types.js';
export { mergeMetrics } from './mergeMetrics.js';
export { mergeReports } from './mergeReports.js';
export type { KnownMetricName, MetricInfo } from './metricCatalog.js';
export * from './recorder.js';
export { type ChecklistItem, reviewChecklist } from './report/checklist.js';
export { type DetailField, detailFields } from './report/details.js';
/** The top 3-5 findings to fix, ranked by the time their cause explains and the saving expected; pure, tested. */
export {
  compareByImpact,
  type FixFirstItem,
  type FixFirstOptions,
  fixFirst,
  gainInWords,
  whereOf,
} from './report/fixFirst.js';
export { formatAttributes, formatSeries, formatValue, UNITLESS_METRICS } from './report/format.js';
export { type ComponentRenders, componentRenders } from './report/renders.js';
export {
  consoleReporter,
  getReporter,
  htmlReporter,
  jsonReporter,
  markdownReporter,
  type RenderOptions,
  type Reporter,
  registerReporter,
} from './reporters/index.js';
export * from './schema/index.js';
export { warmReportSchema } from './warmReportSchema.js';
