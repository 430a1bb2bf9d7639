/**
 * Time the profiler itself held the event loop (starting or writing a CPU profile, a heap snapshot), so the
 * stall detector does not blame the app for the profiler's own pauses.
 */
class SelfTime {
  private pendingMs = 0;

  /** Runs fn and books its duration as the profiler's own. */
  measure<T>(fn: () => T): T {
    const start = performance.now();
    try {
      return fn();
    } finally {
      this.pendingMs += performance.now() - start;
    }
  }

  /** Self time booked since the previous call. */
  take(): number {
    const ms = this.pendingMs;
    this.pendingMs = 0;
    return ms;
  }
}

/** The process-wide ledger of the profiler's own loop time. */
export const selfTime = new SelfTime();
