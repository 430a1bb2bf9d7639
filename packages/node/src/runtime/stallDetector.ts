import { inFlight } from '../http/inFlight.js';
import { selfTime } from './selfTime.js';

/** One event-loop stall: how long, when it ended, and the routes that were in flight. */
export interface Stall {
  durationMs: number;
  endTime: number;
  routes: Map<string, number>;
}

/**
 * Finds individual stalls, which a percentile hides: a timer that should fire every `checkMs` measures how
 * late it runs. A lateness above the threshold is a stall that just ended, and the HTTP middleware's in-flight
 * registry says which routes were running during it.
 */
export class StallDetector {
  private readonly timer: NodeJS.Timeout;
  private last = performance.now();
  count = 0;
  totalMs = 0;
  maxMs = 0;

  constructor(
    readonly thresholdMs: number,
    readonly checkMs: number,
    onStall: (stall: Stall) => void,
  ) {
    this.timer = setInterval(() => {
      const now = performance.now();
      const late = now - this.last - this.checkMs - selfTime.take();
      this.last = now;
      if (late < this.thresholdMs) return;
      this.count++;
      this.totalMs += late;
      if (late > this.maxMs) this.maxMs = late;
      onStall({ durationMs: late, endTime: now, routes: inFlight.during(now - late, now) });
    }, checkMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
