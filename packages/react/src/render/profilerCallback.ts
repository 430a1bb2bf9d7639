import type { ProfilerOnRenderCallback } from 'react';
import { getActiveRenderTracker } from './activeTracker.js';
import type { RenderPhase, RenderSink } from './sink.js';

let fired = false;

/**
 * Whether React has ever called a Profiler's onRender in this page. It is a property of the react-dom build
 * (development and profiling builds call it; production builds never do), so one flag serves every component.
 */
export function profilerFired(): boolean {
  return fired;
}

/** The onRender callback recording commits and actualDuration of `id` into the (active) sink. */
export function profilerCallback(id: string, sink: RenderSink | undefined): ProfilerOnRenderCallback {
  return (_id, phase, actualDuration, _base, _start, commitTime) => {
    fired = true;
    const t = sink ?? getActiveRenderTracker();
    if (!t) return;
    try {
      t.noteDurations(true);
      // 'nested-update' passes as is: every sink counts what is not a mount as an update.
      t.recordRender(id, phase as RenderPhase, actualDuration, commitTime);
    } catch (err) {
      t.fault(err);
    }
  };
}
