import { useEffect, useLayoutEffect, useRef } from 'react';
import { getActiveRenderTracker } from './activeTracker.js';
import { profilerFired } from './profilerCallback.js';
import { diffProps, stateRecord } from './propsDiff.js';
import type { IdentityKind, RenderTracker } from './renderTracker.js';

/** Layout effects time commits before paint (so slow interactions link to them); effects on the server. */
export const useCommitEffect = typeof document !== 'undefined' ? useLayoutEffect : useEffect;

/** Marks "no state tracked" (distinct from tracking a state that is undefined). */
export const NO_STATE: unique symbol = Symbol('perf.no-state');

interface Committed {
  token: object;
  props: object | undefined;
  state: unknown;
}

export interface RenderTrackingOptions {
  /** Tracker to write to; default the active one (set by createBrowserAudit or measureRenders). */
  tracker?: RenderTracker;
}

/**
 * Counts this component's committed renders (mount/update) and flags updates whose props and tracked state
 * equal the previous render's. Pass the props object as received: when it is the same object as last
 * render, the render came from the component's own state or a context, and is judged only on `state`.
 */
export function useRenderTracking(
  name: string,
  props?: object,
  state: unknown = NO_STATE,
  options?: RenderTrackingOptions,
): void {
  useTrackCommits(name, props, state, options?.tracker, true);
}

/**
 * Shared by useRenderTracking (count: true) and withPerf (count: 'fallback': its Profiler counts renders,
 * this effect only where React never calls onRender, i.e. production builds).
 */
export function useTrackCommits(
  name: string,
  props: object | undefined,
  state: unknown,
  explicit: RenderTracker | undefined,
  count: boolean | 'fallback',
): void {
  const committed = useRef<Committed | null>(null);
  // A fresh object per render: StrictMode re-runs the same commit's effect with the same token, so it is
  // counted once; a render React discards never reaches its effect at all.
  const token = {};
  useCommitEffect(() => {
    const prev = committed.current;
    if (prev !== null && prev.token === token) return;
    committed.current = { token, props, state };
    const tracker = explicit ?? getActiveRenderTracker();
    if (!tracker) return;
    try {
      // Children's layout work (a Profiler's onRender included) completes before this effect runs.
      const counting = count === true || (count === 'fallback' && !profilerFired());
      if (counting && count === 'fallback') tracker.noteDurations(false);
      if (prev === null) {
        if (counting) tracker.recordRender(name, 'mount');
        return;
      }
      if (counting) tracker.recordRender(name, 'update');
      judge(tracker, name, prev, props, state);
    } catch (err) {
      // Counted in the report's diagnostics; never thrown into the app's commit.
      tracker.audit.safely('react.renders', () => {
        throw err;
      });
    }
  });
  useEffect(() => {
    if (count === false) return;
    const tracker = explicit ?? getActiveRenderTracker();
    tracker?.mount(name);
    return () => tracker?.unmount(name);
  }, [name, count, explicit]);
}

function judge(
  tracker: RenderTracker,
  name: string,
  prev: Committed,
  props: object | undefined,
  state: unknown,
): void {
  const nextProps = (props ?? {}) as Record<string, unknown>;
  const pd = diffProps((prev.props ?? {}) as Record<string, unknown>, nextProps);
  if (!pd.equalByValue) return;
  const identity = pd.identityOnly;
  const kinds: IdentityKind[] = identity.map((k) =>
    typeof nextProps[k] === 'function' ? 'function' : 'object',
  );
  if (state !== NO_STATE) {
    const nextState = stateRecord(state);
    const sd = diffProps(stateRecord(prev.state), nextState);
    if (!sd.equalByValue) return;
    for (const k of sd.identityOnly) {
      identity.push(k);
      kinds.push(typeof nextState[k] === 'function' ? 'function' : 'object');
    }
  } else if (props !== undefined && props === prev.props) {
    // Same props object: React re-rendered for the component's own state or a context, which we cannot see.
    return;
  }
  tracker.recordUnnecessary(name, identity, kinds);
}
