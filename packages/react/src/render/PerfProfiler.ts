import {
  createElement,
  Profiler,
  type ReactElement,
  type ReactNode,
  useEffect,
  useMemo,
  useRef,
} from 'react';
import { getActiveRenderTracker } from './activeTracker.js';
import { profilerCallback, profilerFired } from './profilerCallback.js';
import type { RenderTracker } from './renderTracker.js';
import { useCommitEffect } from './useRenderTracking.js';

export interface PerfProfilerProps {
  /** Component name in metrics ('react.component'). */
  id: string;
  children?: ReactNode;
  /** Tracker to write to; default the active one. */
  tracker?: RenderTracker;
}

/**
 * React's <Profiler> feeding a RenderTracker: commits and durations of the subtree (development and
 * profiling builds), or, in production builds where onRender never fires, this component's own commits.
 */
export function PerfProfiler({ id, children, tracker }: PerfProfilerProps): ReactElement {
  const lastToken = useRef<object | null>(null);
  const token = {};
  const onRender = useMemo(() => profilerCallback(id, tracker), [id, tracker]);
  // Runs after the Profiler's onRender of the same commit (children's layout work completes first).
  useCommitEffect(() => {
    const first = lastToken.current === null;
    if (lastToken.current === token) return;
    lastToken.current = token;
    if (profilerFired()) return;
    const t = tracker ?? getActiveRenderTracker();
    if (!t) return;
    t.noteDurations(false);
    t.recordRender(id, first ? 'mount' : 'update');
  });
  useEffect(() => {
    const t = tracker ?? getActiveRenderTracker();
    t?.mount(id);
    return () => t?.unmount(id);
  }, [id, tracker]);
  return createElement(Profiler, { id, onRender }, children);
}
