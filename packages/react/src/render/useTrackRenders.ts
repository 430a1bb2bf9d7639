import { createElement, type EffectCallback, useEffect, useRef } from 'react';
import { getActiveRenderTracker } from './activeTracker.js';
import { profilerFired } from './profilerCallback.js';
import type { RenderSink } from './sink.js';
import { judgeRender } from './unnecessaryRender.js';

/**
 * Whether the app runs a development build of React: only those give elements a `_store` (React 18 and 19).
 * Production and profiling builds never render a component twice for StrictMode.
 */
const developmentReact = '_store' in createElement('i');

/** Per-instance memory, allocated at mount; one-letter keys because property names survive minification. */
interface Rendered {
  /** The previous render's props and tracked state. */
  p?: object;
  t?: unknown;
  /** The commit effect: the same function every render, so production React runs it at mount only. */
  l: EffectCallback;
  /** Whether the mount was counted; whether it rendered since its last commit (StrictMode runs effects twice). */
  m?: boolean;
  r?: boolean;
}

// Production builds: mount and unmount only. Development builds: every commit that rendered the instance,
// which counts its updates there (StrictMode renders twice and commits once).
const COMMIT_DEPS: [] | undefined = developmentReact ? undefined : [];

// One performance.now() per render pass, shared by every component rendered in it (a microtask ends the
// pass): the time only has to place renders inside an interaction, which lasts 40 ms or more.
let passAt = 0;
const endPass = () => {
  passAt = 0;
};

/**
 * The one render-tracking hook behind useRenderTracking, withPerf and PerfProfiler (`profiled`: their
 * Profiler's onRender counts commits wherever React calls it, i.e. outside production builds). Updates are
 * counted while React renders, so production React runs no effect for a tracked update: a ref read, a props
 * comparison and two counter bumps; a render React starts and then discards (an interrupted concurrent render)
 * counts too, since it cost the CPU all the same. Mounts are counted by the commit effect, after the Profiler's
 * onRender of the same commit (React calls onRender in the layout phase), so a mount React discards is not.
 */
export function useTrackRenders(
  name: string,
  props: object | undefined,
  state: unknown,
  explicit: RenderSink | undefined,
  profiled: boolean,
): void {
  const ref = useRef<Rendered>(null);
  let c = ref.current;
  if (c) {
    const sink = explicit ?? getActiveRenderTracker();
    if (sink) {
      try {
        // Development builds count updates at commit: StrictMode calls the component twice per render.
        if (!developmentReact && (!profiled || !profilerFired())) {
          if (!passAt) {
            passAt = performance.now();
            queueMicrotask(endPass);
          }
          sink.recordRender(name, 'update', undefined, passAt);
        }
        // StrictMode's second call has the same props and state: not judged twice.
        if (props !== c.p || state !== c.t) judgeRender(sink, name, c.p, props, c.t, state);
      } catch (err) {
        // Counted by the sink; never thrown into the app's render.
        sink.fault(err);
      }
    }
  } else {
    c = ref.current = { l: () => committed(c!, name, explicit, profiled) };
  }
  c.p = props;
  c.t = state;
  c.r = true;
  // A passive effect: it only counts mounts (and, in development builds, commits), which need no layout
  // timing; React flushes it right after the commit of a discrete event, inside the interaction it belongs to.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the same effect for the instance's lifetime
  useEffect(c.l, COMMIT_DEPS);
}

function committed(
  c: Rendered,
  name: string,
  explicit: RenderSink | undefined,
  profiled: boolean,
): (() => void) | undefined {
  const sink = explicit ?? getActiveRenderTracker();
  if (!sink) return;
  try {
    // Once per commit that rendered this instance: StrictMode's second run of a mount effect counts nothing.
    if (c.r && (!profiled || !profilerFired())) {
      if (profiled) sink.noteDurations(false);
      // Development builds only: production React runs this effect at mount.
      sink.recordRender(name, c.m ? 'update' : 'mount');
    }
    c.r = false;
    c.m = true;
    sink.mount(name);
  } catch (err) {
    sink.fault(err);
  }
  return () => {
    try {
      sink.unmount(name);
    } catch (err) {
      sink.fault(err);
    }
  };
}
