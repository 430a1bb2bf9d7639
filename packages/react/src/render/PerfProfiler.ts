import {
  createElement,
  Profiler,
  type ProfilerOnRenderCallback,
  type ReactElement,
  type ReactNode,
} from 'react';
import { profilerCallback } from './profilerCallback.js';
import type { RenderSink } from './sink.js';
import { NO_STATE } from './unnecessaryRender.js';
import { useTrackRenders } from './useTrackRenders.js';

export interface PerfProfilerProps {
  /** Component name in metrics ('react.component'). */
  id: string;
  children?: ReactNode;
  /** Sink to write to; default the active one. */
  tracker?: RenderSink;
}

/** The body of PerfProfiler and withPerf: a <Profiler> and the render tracking (judging `props` when given). */
export function useProfiled(
  id: string,
  tracker: RenderSink | undefined,
  onRender: ProfilerOnRenderCallback,
  props: object | undefined,
  children: ReactNode,
): ReactElement {
  useTrackRenders(id, props, NO_STATE, tracker, true);
  return createElement(Profiler, { id, onRender }, children);
}

/**
 * React's <Profiler> feeding the render counters: commits and durations of the subtree (development and
 * profiling builds), or, in production builds where onRender never fires, this component's own renders.
 */
export function PerfProfiler({ id, children, tracker }: PerfProfilerProps): ReactElement {
  // A new onRender per render is fine: one PerfProfiler wraps a whole subtree.
  return useProfiled(id, tracker, profilerCallback(id, tracker), undefined, children);
}
