import { type EventLoopUtilization, performance } from 'node:perf_hooks';

/** Event-loop utilization per window (the delta since the previous reading), not cumulative since start. */
export class EventLoopUtilizationWindow {
  private prev: EventLoopUtilization = performance.eventLoopUtilization();

  /** Utilization (0..1) since the previous call. */
  next(): number {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, this.prev);
    this.prev = now;
    return delta.utilization;
  }
}
