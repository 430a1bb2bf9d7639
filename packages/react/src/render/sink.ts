/** Render phase as reported: React's 'nested-update' counts as an update. */
export type RenderPhase = 'mount' | 'update';

/** What kind of value changed identity only: decides between useCallback and useMemo. */
export type IdentityKind = 'function' | 'object';

/**
 * Where PerfProfiler, withPerf and useRenderTracking write: the browser agent's counters in a page
 * (createBrowserAudit), a RenderTracker in tests (measureRenders). Every call only bumps numbers.
 */
export interface RenderSink {
  /**
   * One committed render of `name`; `durationMs` only when React measured it; `at` on performance.now().
   * Any phase but 'mount' (React's 'nested-update' included) is an update.
   */
  recordRender(name: string, phase: RenderPhase, durationMs?: number, at?: number): void;
  /** An update whose props and tracked state were equal by value to the previous render's; `kinds[i]` is `identityOnly[i]`'s. */
  recordUnnecessary(name: string, identityOnly: readonly string[], kinds: readonly IdentityKind[]): void;
  /** An instance of `name` mounted (paired with unmount). */
  mount(name: string): void;
  unmount(name: string): void;
  /** Whether React's Profiler reported durations (false in production builds of react-dom). */
  noteDurations(available: boolean): void;
  /** A fault in a hook: counted, never thrown into React's commit. */
  fault(err: unknown): void;
}
