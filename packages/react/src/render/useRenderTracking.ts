import type { RenderSink } from './sink.js';
import { NO_STATE } from './unnecessaryRender.js';
import { useTrackRenders } from './useTrackRenders.js';

export interface RenderTrackingOptions {
  /** Sink to write to; default the active one (set by createBrowserAudit or measureRenders). */
  tracker?: RenderSink;
}

/**
 * Counts this component's renders (mount/update) and flags updates whose props and tracked state equal the
 * previous render's. Pass the props object as received: when it is the same object as last render, the
 * render came from the component's own state or a context, and is judged only on `state`.
 */
export function useRenderTracking(
  name: string,
  props?: object,
  state: unknown = NO_STATE,
  options?: RenderTrackingOptions,
): void {
  useTrackRenders(name, props, state, options?.tracker, false);
}
