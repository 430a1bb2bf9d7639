import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { HistogramHandle } from '@perf/core';

/** One window of event-loop delay: samples, the largest (ms), and the samples at or above the stall threshold. */
export interface DelayWindow {
  count: number;
  max: number;
  stalls: number;
  stallMs: number;
}

/**
 * Event-loop delay from monitorEventLoopDelay. Its samples are the time between two timer ticks, so each one
 * includes the resolution itself; that is subtracted (clamped at 0) so an idle loop reads ~0, not ~10 ms.
 * Each window the native histogram is replayed into the audit's mergeable histogram and reset.
 */
export class EventLoopDelay {
  private readonly monitor: IntervalHistogram;
  /** Largest delay of the last window, ms (resolution subtracted). */
  lastMax = 0;

  constructor(private readonly resolutionMs: number) {
    this.monitor = monitorEventLoopDelay({ resolution: resolutionMs });
    this.monitor.enable();
  }

  /**
   * Moves the window's samples into `target` and resets the monitor. Samples at or above `stallMs` are stalls:
   * their number, total and the largest come back with the count.
   */
  flush(target: HistogramHandle, stallMs: number): DelayWindow {
    const m = this.monitor;
    const count = m.count;
    const w: DelayWindow = { count, max: 0, stalls: 0, stallMs: 0 };
    if (!count) return w;
    const res = this.resolutionMs;
    const put = (value: number) => {
      target.record(value);
      if (value >= stallMs) {
        w.stalls++;
        w.stallMs += value;
      }
    };
    // percentiles maps p -> value (ns) at HdrHistogram's halving steps; p% of the samples are <= value.
    let done = 0;
    for (const [p, ns] of m.percentiles) {
      const upto = p >= 100 ? count : Math.round((p / 100) * count);
      const value = Math.max(0, ns / 1e6 - res);
      for (; done < upto; done++) put(value);
    }
    for (; done < count; done++) put(Math.max(0, m.max / 1e6 - res));
    w.max = Math.max(0, m.max / 1e6 - res);
    this.lastMax = w.max;
    m.reset();
    return w;
  }

  stop(): void {
    this.monitor.disable();
  }
}
