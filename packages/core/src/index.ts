export { applyBudgets } from './applyBudgets.js';
export {
  type Audit,
  type AuditLimits,
  type AuditOptions,
  type CounterHandle,
  createAudit,
  type GaugeHandle,
  type HistogramHandle,
  type MetricOptions,
} from './audit/audit.js';
export type { Collector } from './audit/collector.js';
export type { FindingInput } from './audit/findings.js';
export { OVERFLOW_ATTRIBUTES, seriesKey } from './audit/seriesKey.js';
export {
  type Budget,
  type BudgetSpec,
  type BudgetValue,
  defineBudgets,
  statisticApplies,
} from './budgets/budget.js';
export { evaluate, evaluateBudgets, matchesWhere, statisticOf } from './budgets/evaluate.js';
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
export {
  DEFAULT_MAX_BUCKETS,
  DEFAULT_MAX_SCALE,
  Histogram,
  type HistogramOptions,
  type HistogramSummary,
} from './histogram/histogram.js';
export { bucketEstimate, lowerBoundary, mapToIndex, relativeErrorAt } from './histogram/mapping.js';
export {
  perfMatchers,
  type ReportLike,
  toHaveNoFindings,
  toHavePercentile,
  toMeetBudgets,
} from './matchers/matchers.js';
export type { PerfMatchers } from './matchers/types.js';
export { mergeMetrics } from './mergeMetrics.js';
export { mergeReports } from './mergeReports.js';
export { areaOf, type KnownMetricName, METRICS, type MetricInfo, metricInfo } from './metricCatalog.js';
export { type ChecklistItem, reviewChecklist } from './report/checklist.js';
export { formatAttributes, formatValue } from './report/format.js';
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
export {
  currentRequestContext,
  type RequestContext,
  registerRequestContextProvider,
} from './requestContext.js';
export * from './schema/index.js';
export { statusOf, summarize } from './summary.js';
export { warmReportSchema } from './warmReportSchema.js';
