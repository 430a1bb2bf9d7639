/**
 * Event-loop delay over time, as @perf/node's runtime collector measures it, for other collectors to read:
 * @perf/db subtracts from a query's client time the part the loop (a block or CPU starvation) explains.
 */
export interface LoopDelaySource {
  /** performance.now() up to which the delay is known (the last tick of the monitor). */
  readonly coveredUntil: number;
  /** The monitor's tick period, ms: how long after an instant its delay is known, when the loop is on time. */
  readonly periodMs: number;
  /**
   * How long before `end` the loop had been overdue (since `start` at most), ms: the delay of a callback that
   * ran at `end`, such as a query's response. Only known once `coveredUntil >= end`.
   */
  callbackDelay(start: number, end: number): number;
  /**
   * Milliseconds of [start, end] (performance.now()) the loop could not run a callback: late to run what was
   * due, or busy on a CPU with other work, or its thread waiting for a core (spread evenly between two ticks,
   * where it is known only per tick).
   */
  delayDuring(start: number, end: number): number;
  /** Milliseconds of [start, end] the loop's thread waited for a core (spread evenly between two ticks). */
  waitDuring(start: number, end: number): number;
}

// A global slot, like the request context's, so @perf/db reads @perf/node's timeline without depending on it.
const SLOT = Symbol.for('@perf/core.loop-delay');
const slot = globalThis as { [SLOT]?: LoopDelaySource };

/** Registers the process's loop-delay timeline (called by @perf/node). Returns the unregister. */
export function registerLoopDelaySource(source: LoopDelaySource): () => void {
  slot[SLOT] = source;
  return () => {
    if (slot[SLOT] === source) delete slot[SLOT];
  };
}

/** The registered loop-delay timeline, if a runtime collector measures one. */
export function loopDelaySource(): LoopDelaySource | undefined {
  return slot[SLOT];
}
