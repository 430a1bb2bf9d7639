// The zod-free part of @perf/core: what code that only records and reports needs (a browser page, a hot
// path). `@perf/core` re-exports all of it plus the schemas, parseReport and the reporters.
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
export { type Budget, type BudgetSpec, type BudgetValue, defineBudgets } from './budgets/budget.js';
export { evaluateBudgets } from './budgets/evaluate.js';
export { Histogram, type HistogramOptions } from './histogram/histogram.js';
export { type LoopDelaySource, loopDelaySource, registerLoopDelaySource } from './loopDelay.js';
export { areaOf, METRICS, metricInfo } from './metricCatalog.js';
export {
  addRequestContextReader,
  currentRequestContext,
  hasRequestContextReaders,
  type RequestContext,
  registerRequestContextProvider,
} from './requestContext.js';
export { AREAS, SCHEMA_VERSION } from './schema/constants.js';
export type {
  Area,
  Attributes,
  AuditReport,
  BudgetResult,
  Evidence,
  FailOn,
  Finding,
  How,
  Impact,
  Metric,
  Severity,
  Subject,
} from './schema/index.js';
export {
  budgetReason,
  DEFAULT_FAIL_ON,
  failsOn,
  judgeReport,
  reasonsFor,
  type StatusOptions,
  statusOf,
  statusWith,
  summarize,
} from './summary.js';
