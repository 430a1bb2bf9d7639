import type { RenderTracker } from './renderTracker.js';

let active: RenderTracker | undefined;

/** The tracker PerfProfiler, withPerf and useRenderTracking write to when none is passed explicitly. */
export function getActiveRenderTracker(): RenderTracker | undefined {
  return active;
}

/** Makes `tracker` the default one (createBrowserAudit does this); returns the previous default. */
export function setActiveRenderTracker(tracker: RenderTracker | undefined): RenderTracker | undefined {
  const previous = active;
  active = tracker;
  return previous;
}
