import { type EffectCallback, useEffect, useLayoutEffect, useRef } from 'react';
import { getActiveRenderTracker } from './activeTracker.js';
import { profilerFired } from './profilerCallback.js';
import { sameByValue, stateRecord } from './propsDiff.js';
import type { IdentityKind, RenderSink } from './sink.js';

/** Layout effects time commits before paint (so slow interactions link to them); effects on the server. */
export const useCommitEffect = typeof document !== 'undefined' ? useLayoutEffect : useEffect;

/** Marks "no state tracked" (distinct from tracking a state that is undefined). */
export const NO_STATE: unique symbol = Symbol();

/**
 * Per-instance memory, allocated once at mount and mutated at each commit (nothing is allocated per render).
 * One-letter keys: this ships in every page, and property names survive minification.
 */
interface Committed {
  /** The commit effect last run (seen): StrictMode re-runs the same effect (same closure), counted once. */
  s?: EffectCallback;
  /** The committed props and state. */
  p?: object;
  t?: unknown;
  /** The sink and name mount() went to, so the cleanup unmounts the same; the cleanup (off) itself. */
  k?: RenderSink;
  n?: string;
  o?: () => void;
}

export interface RenderTrackingOptions {
  /** Sink to write to; default the active one (set by createBrowserAudit or measureRenders). */
  tracker?: RenderSink;
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
  useTrackCommits(name, props, state, options?.tracker, false);
}

// Scratch lists for one judgement: sinks copy what they keep, so no arrays are allocated per update.
const ids: string[] = [];
const kinds: IdentityKind[] = [];
const EMPTY = {};

/**
 * Shared by useRenderTracking, withPerf and PerfProfiler (`fallback`: their Profiler counts renders; this
 * effect only where React never calls onRender, i.e. production builds). One layout effect per render, no
 * deps: its stable cleanup unmounts and the next run mounts again, so the mounted count is right after every
 * commit without a second effect.
 */
export function useTrackCommits(
  name: string,
  props: object | undefined,
  state: unknown,
  explicit: RenderSink | undefined,
  fallback: boolean,
): void {
  const ref = useRef<Committed>(null);
  ref.current ??= {};
  const c = ref.current;
  const effect: EffectCallback = () => {
    const sink = explicit ?? getActiveRenderTracker();
    if (!sink) return;
    try {
      sink.mount(name);
      c.k = sink;
      c.n = name;
      c.o ??= () => c.k?.unmount(c.n!);
      // StrictMode's simulated unmount/remount re-runs this very effect: mounted again above, counted once.
      if (c.s !== effect) {
        const first = !c.s;
        const prevProps = c.p;
        const prevState = c.t;
        c.s = effect;
        c.p = props;
        c.t = state;
        // Children's layout work (a Profiler's onRender included) completes before this effect runs.
        if (!fallback || !profilerFired()) {
          if (fallback) sink.noteDurations(false);
          sink.recordRender(name, first ? 'mount' : 'update');
        }
        if (!first) judge(sink, name, prevProps, props, prevState, state);
      }
    } catch (err) {
      // Counted by the sink; never thrown into the app's commit.
      sink.fault(err);
    }
    return c.o;
  };
  useCommitEffect(effect);
}

function judge(
  sink: RenderSink,
  name: string,
  prevProps: object | undefined,
  props: object | undefined,
  prevState: unknown,
  state: unknown,
): void {
  ids.length = kinds.length = 0;
  if (
    // Something to compare (not PerfProfiler, nor useRenderTracking(name) alone) that is equal by value...
    (props || state !== NO_STATE) &&
    sameByValue(prevProps ?? EMPTY, props ?? EMPTY, ids, kinds) &&
    (state === NO_STATE
      ? // ...and a new props object: the same one means React re-rendered for the component's own state or
        // a context, which we cannot see.
        props !== prevProps
      : sameByValue(stateRecord(prevState), stateRecord(state), ids, kinds))
  ) {
    sink.recordUnnecessary(name, ids, kinds);
  }
}
