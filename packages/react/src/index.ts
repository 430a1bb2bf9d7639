export { DEFAULT_BEACON_LIMIT_BYTES, sendBody, splitReport } from './browser/beacon.js';
export {
  type BrowserAudit,
  type BrowserAuditOptions,
  createBrowserAudit,
} from './browser/createBrowserAudit.js';
export {
  type BlockingEstimate,
  estimateBlocking,
  type LongTask,
  QUIET_WINDOW_MS,
} from './browser/longTasks.js';
export { classifyResource, imageFormat, type ResourceKind } from './browser/resources.js';
export { redactUrlPath } from './browser/route.js';
export { getActiveRenderTracker, setActiveRenderTracker } from './render/activeTracker.js';
export { PerfProfiler, type PerfProfilerProps } from './render/PerfProfiler.js';
export { diffProps, type PropsDiff, valueEqual } from './render/propsDiff.js';
export {
  type ComponentRenderStats,
  type IdentityKind,
  type RenderPhase,
  RenderTracker,
  type RenderTrackerOptions,
} from './render/renderTracker.js';
export { type RenderTrackingOptions, useRenderTracking } from './render/useRenderTracking.js';
export { type WithPerfOptions, withPerf } from './render/withPerf.js';
export {
  type ReactMatcherResult,
  type ReactMatchers,
  type RendersLike,
  reactMatchers,
  toHaveNoUnnecessaryRenders,
  toRenderAtMost,
} from './testing/matchers.js';
export {
  type MeasureRendersOptions,
  measureRenders,
  type RenderMeasurement,
  type RenderScenarioContext,
} from './testing/measureRenders.js';
