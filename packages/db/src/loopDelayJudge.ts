import { type LoopDelaySource, loopDelaySource } from '@perf/core';

/** A finished query, waiting until the loop's delay over its span is known. */
export interface TimedQuery<T> {
  start: number;
  end: number;
  /** Client time, ms (end - start). */
  ms: number;
  /** What the caller needs back when the query is judged. */
  payload: T;
}

/** What the loop's delay explains of one query, ms. */
export interface LoopShare {
  /** How late the loop ran the query's callback: the part of its client time that is not the query's. */
  callbackMs: number;
  /** How much of its span the loop was overdue or its thread waited for a core (not all of it delayed the query). */
  delayedMs: number;
  /** Whether a loop-delay timeline measured it (false: no runtime collector, nothing subtracted or excused). */
  measured: boolean;
}

const NONE: LoopShare = { callbackMs: 0, delayedMs: 0, measured: false };

/**
 * Splits each query's client time into the part the event loop explains and the query's own: a response that
 * arrived while the loop was blocked or starved of CPU ran its callback late, and that lateness is not the
 * database's (the loop's delay while the database works does not lengthen the query). The loop's delay comes
 * from @perf/node's runtime collector (a timeline of monitor ticks with the thread's run-queue wait); a query
 * is judged once that timeline covers its end (the next tick, however long a stall delays it), at a report
 * (`flush`), or at once when no collector measures it. Bounded: past `maxWaiting` the oldest query is judged with
 * what is known.
 */
export class LoopDelayJudge<T> {
  private waiting: TimedQuery<T>[] = [];
  private head = 0;

  /**
   * `offLoop`: false for a driver that runs the statement on the loop itself (better-sqlite3): there the loop's
   * lateness during a query may be the query itself, so none of it is subtracted from its own time.
   */
  constructor(
    private readonly onJudged: (query: TimedQuery<T>, loop: LoopShare) => void,
    private readonly maxWaiting = 10_000,
    private readonly offLoop = true,
  ) {}

  add(query: TimedQuery<T>): void {
    const source = loopDelaySource();
    if (!source) {
      this.onJudged(query, NONE);
      return;
    }
    this.waiting.push(query);
    if (this.waiting.length - this.head > this.maxWaiting) this.judgeNext(source);
    this.drain(source, false);
  }

  /** Judges every query whose delay is known by now (all of them when `force`). */
  flush(force = false): void {
    this.drain(loopDelaySource(), force);
  }

  get size(): number {
    return this.waiting.length - this.head;
  }

  private drain(source: LoopDelaySource | undefined, force: boolean): void {
    while (this.head < this.waiting.length) {
      const q = this.waiting[this.head]!;
      // A registered timeline always catches up (its next tick); one that stops is unregistered with it.
      if (!force && source && q.end > source.coveredUntil) break;
      this.judgeNext(source);
    }
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }

  private judgeNext(source: LoopDelaySource | undefined): void {
    const q = this.waiting[this.head]!;
    this.waiting[this.head++] = undefined as unknown as TimedQuery<T>;
    if (!source) {
      this.onJudged(q, NONE);
      return;
    }
    const clamp = (ms: number) => Math.min(q.ms, Math.max(0, ms));
    this.onJudged(q, {
      callbackMs: this.offLoop ? clamp(source.callbackDelay(q.start, q.end)) : 0,
      delayedMs: clamp(source.delayDuring(q.start, q.end)),
      measured: true,
    });
  }
}
