import type { ProfilerOnRenderCallback } from 'react';
import { getActiveRenderTracker } from './activeTracker.js';
import type { RenderTracker } from './renderTracker.js';

let fired = false;

/**
 * Whether React has ever called a Profiler's onRender in this page. It is a property of the react-dom build
 * (development and profiling builds call it; production builds never do), so one flag serves every component.
 */
export function profilerFired(): boolean {
  return fired;
}

/** The onRender callback recording commits and actualDuration of `id` into the (active) tracker. */
export function profilerCallback(id: string, tracker: RenderTracker | undefined): ProfilerOnRenderCallback {
  return (_id, phase, actualDuration, _base, _start, commitTime) => {
    fired = true;
    const t = tracker ?? getActiveRenderTracker();
    if (!t) return;
    try {
      t.noteDurations(true);
      t.recordRender(id, phase === 'mount' ? 'mount' : 'update', actualDuration, commitTime);
    } catch (err) {
      t.audit.safely('react.renders', () => {
        throw err;
      });
    }
  };
}
