// The browser entry: the page agent (createBrowserAudit), the render hooks, and the test helpers (which run
// in Node or happy-dom and are tree-shaken out of an app that does not import them). Nothing here imports
// zod; the server-side translator is @perf/react/ingest, the build-time size check @perf/react/bundle.
export {
  type BrowserAudit,
  type BrowserAuditOptions,
  createBrowserAudit,
} from './agent/createBrowserAudit.js';
export type { RenderCounters } from './agent/renderCounters.js';
export type { RouteSource } from './agent/route.js';
export { DEFAULT_BEACON_LIMIT_BYTES, sendBody, splitBeacon } from './agent/send.js';
export { REACT_BEACON_KIND } from './beaconKind.js';
export type { ReactBeacon } from './ingest/schema.js';
export { redactUrlPath } from './redactUrlPath.js';
export { getActiveRenderTracker, setActiveRenderTracker } from './render/activeTracker.js';
export { PerfProfiler, type PerfProfilerProps } from './render/PerfProfiler.js';
export { diffProps, type PropsDiff, valueEqual } from './render/propsDiff.js';
export {
  type ComponentRenderStats,
  RenderTracker,
  type RenderTrackerOptions,
} from './render/renderTracker.js';
export type { IdentityKind, RenderPhase, RenderSink } from './render/sink.js';
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
