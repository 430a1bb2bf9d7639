import { inFlight } from '../http/inFlight.js';
import type { LoopDelayTimeline } from './loopDelayTimeline.js';
import { selfTime } from './selfTime.js';
import { classifyStall, type StallBreakdown } from './stallCause.js';
import type { ThreadClock } from './threadClock.js';

/** One event-loop stall: how long, when it ended, the requests it held up, and what the thread did meanwhile. */
export interface Stall {
  durationMs: number;
  endTime: number;
  /** 'METHOD route' -> requests it held up (in flight for at least half of it). */
  routes: Map<string, number>;
  /**
   * 'METHOD route' -> time its requests spent inside the stall, summed, ms (every route in flight at some point
   * of it; default: the duration times the requests held up).
   */
  requestDelay?: Map<string, number>;
  /**
   * The route that most likely ran the blocking code ('METHOD route'), when one can be told: see
   * `inFlight.holders()`. Undefined when several routes (or none) were in flight through the whole stall.
   */
  culprit?: string;
  /** The culprit is a guess (the only one of several that finished right after it), not the only route held. */
  culpritGuessed?: boolean;
  /** Its cause from the thread's scheduler numbers ('unknown' where there are none). */
  breakdown?: StallBreakdown;
  /** Before the process served its first request, with none in flight: start-up work (module loading, warm-up). */
  startup?: boolean;
}

/** What the detector's ticks feed besides stalls. */
export interface StallDetectorSinks {
  /** Every tick's lateness, ms (the event-loop delay histogram). */
  delay?: (ms: number) => void;
  /** The JS thread's scheduler numbers, read at every tick to split each stall by cause. */
  clock?: ThreadClock;
  /** Where late intervals are kept for other collectors (query time the loop explains). */
  timeline?: LoopDelayTimeline;
}

/**
 * Measures event-loop delay with one timer and finds individual stalls, which a percentile hides: a timer that
 * should fire every `checkMs` measures how late it runs. A lateness above the threshold is a stall that just
 * ended; the thread's scheduler numbers since the previous tick say whether the thread ran (a block), waited
 * for a core (starvation) or slept in a blocking call, and the HTTP in-flight registry says which routes were
 * running during it.
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
    sinks: StallDetectorSinks = {},
  ) {
    const { delay, clock, timeline } = sinks;
    this.timer = setInterval(() => {
      const now = performance.now();
      const interval = now - this.last;
      const late = Math.max(0, interval - this.checkMs - selfTime.take());
      this.last = now;
      const delta = clock?.delta();
      delay?.(late);
      timeline?.add(now, late, delta?.waitMs, delta?.cpuMs);
      if (late < this.thresholdMs) return;
      this.count++;
      this.totalMs += late;
      if (late > this.maxMs) this.maxMs = late;
      // The requests it held up (in flight for at least half of it) and the time they all spent inside it; the
      // route that ran the blocking code when it can be told.
      const { routes, delay: spent } = inFlight.overlap(now - late, now, late / 2);
      const { culprit, guessed } = inFlight.holders(now - late, now, late * 0.9);
      onStall({
        durationMs: late,
        endTime: now,
        routes,
        requestDelay: spent,
        ...(culprit !== undefined ? { culprit, ...(guessed ? { culpritGuessed: true } : {}) } : {}),
        breakdown: classifyStall(late, interval, delta, this.thresholdMs),
      });
    }, checkMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
