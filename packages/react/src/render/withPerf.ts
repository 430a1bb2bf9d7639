import { type ComponentType, createElement, type FunctionComponent, memo } from 'react';
import { useProfiled } from './PerfProfiler.js';
import { profilerCallback } from './profilerCallback.js';
import type { RenderSink } from './sink.js';

const MEMO = Symbol.for('react.memo');

export interface WithPerfOptions {
  /** Sink to write to; default the active one. */
  tracker?: RenderSink;
}

function nameOf(c: unknown): string {
  const t = c as { displayName?: string; name?: string; type?: { name?: string } };
  return t.displayName || t.name || t.type?.name || 'Anonymous';
}

/**
 * Wraps a component in React's <Profiler> and compares its props at each parent-driven render. A React.memo
 * component keeps its memo semantics (same compare), so renders memo would skip are not counted.
 */
export function withPerf<P extends object>(
  Component: ComponentType<P>,
  name?: string,
  options: WithPerfOptions = {},
): ComponentType<P> {
  const id = name ?? nameOf(Component);
  const tracker = options.tracker;
  const onRender = profilerCallback(id, tracker);
  const Tracked: FunctionComponent<P> = (props: P) => {
    // The wrapper renders only when its parent does, so its props history is exactly the parent-driven one.
    // Renders are counted by onRender, or by the render tracking where React never calls it (production).
    return useProfiled(id, tracker, onRender, props, createElement(Component, props));
  };
  Tracked.displayName = `withPerf(${id})`;
  const m = Component as { $$typeof?: symbol; compare?: ((a: P, b: P) => boolean) | null };
  if (m.$$typeof === MEMO) return memo(Tracked, m.compare ?? undefined) as unknown as ComponentType<P>;
  return Tracked;
}
