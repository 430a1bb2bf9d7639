import type { RenderSink } from './sink.js';

let active: RenderSink | undefined;

/** The sink PerfProfiler, withPerf and useRenderTracking write to when none is passed explicitly. */
export function getActiveRenderTracker(): RenderSink | undefined {
  return active;
}

/** Makes `sink` the default one (createBrowserAudit and measureRenders do this); returns the previous one. */
export function setActiveRenderTracker(sink: RenderSink | undefined): RenderSink | undefined {
  const previous = active;
  active = sink;
  return previous;
}
