import type { SqlShape } from './fingerprint.js';
import type { ServerTime } from './serverStatements.js';
import type { SlowExecution } from './slowQuery.js';

/** Executions needed at the least for a statement's floor to excuse anything. */
const FLOOR_MIN_EXECUTIONS = 3;
/** Slow executions held back, over all statements, until their statement has a typical time. */
const MAX_HELD = 64;
/** Recent executions kept per statement for its floor. */
const RECENT = 15;
/** Statements whose floor is tracked (others are never excused). */
const MAX_STATEMENTS = 1000;
/** Reported statements whose last slow execution is kept, to add the server's time when it is read. */
const MAX_REPORTED = 200;

/** A statement's last RECENT client times, ms: their minimum is its floor, the time it takes when nothing delays it. */
class Recent {
  readonly values = new Float64Array(RECENT);
  n = 0;

  add(ms: number): void {
    this.values[this.n % RECENT] = ms;
    this.n++;
  }

  floor(): number {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < Math.min(this.n, RECENT); i++) min = Math.min(min, this.values[i]!);
    return min;
  }
}

/**
 * Decides which executions over the threshold are slow queries. One is the loop's doing rather than the
 * statement's when the statement is fast when nothing delays it (its floor, the least of its recent client
 * times, under a fifth of the threshold) and the loop was overdue or starved of CPU for at least half of this
 * execution's excess over that floor. Noise only ever adds to a query's time, so the floor is a robust
 * estimate of its own; the loop's delay is only known per monitor tick, which is why a starved process leaves
 * some of it in a query's own time. A statement that is slow every time (a scan, a sleep, a lock wait on every
 * call) has a high floor and is never excused. A slow execution that is not excused yet is held (bounded)
 * until its statement's floor falls low enough to judge it, or until `flush()` (every report): a statement's
 * first executions run together at start-up, all delayed alike.
 */
export class SlowQueryJudge {
  private readonly held = new Map<string, SlowExecution[]>();
  private heldCount = 0;
  private readonly recent = new Map<string, Recent>();

  constructor(
    private readonly thresholdMs: number,
    private readonly onReport: (slow: SlowExecution, server: ServerTime | undefined, count: number) => void,
  ) {}

  private readonly reported = new Map<string, SlowExecution>();
  private server = new Map<string, ServerTime>();

  /**
   * The server's own time per fingerprint (from a statement-statistics read): later findings carry it, and the
   * findings already made are updated with it (no new occurrence).
   */
  setServerTimes(times: Map<string, ServerTime>): void {
    this.server = times;
    for (const [fp, slow] of this.reported) {
      const server = times.get(fp);
      if (server) this.onReport(slow, server, 0);
    }
  }

  /** One execution of `shape`: its client time, and what a finding needs if it is slow. */
  judge(slow: SlowExecution | undefined, shape: SqlShape, clientMs: number): void {
    const fp = shape.fingerprint;
    let recent = this.recent.get(fp);
    if (!recent && this.recent.size < MAX_STATEMENTS) {
      recent = new Recent();
      this.recent.set(fp, recent);
    }
    recent?.add(clientMs);
    const fast =
      recent !== undefined && recent.n >= FLOOR_MIN_EXECUTIONS && recent.floor() < this.thresholdMs / 5;
    if (fast && this.held.has(fp)) {
      const earlier = this.held.get(fp)!;
      this.held.delete(fp);
      this.heldCount -= earlier.length;
      for (const e of earlier) this.decide(e);
    }
    if (!slow) return;
    if (!fast && slow.time.delayedMs > 0 && recent && this.heldCount < MAX_HELD) {
      const list = this.held.get(fp);
      if (list) list.push(slow);
      else this.held.set(fp, [slow]);
      this.heldCount++;
      return;
    }
    this.decide(slow);
  }

  /** Decides every held execution with what is known now. */
  flush(): void {
    const all = [...this.held.values()].flat();
    this.held.clear();
    this.heldCount = 0;
    for (const e of all) this.decide(e);
  }

  /** Reports an execution that nothing could excuse (no loop-delay timeline). */
  report(slow: SlowExecution): void {
    const fp = slow.shape.fingerprint;
    if (this.reported.has(fp) || this.reported.size < MAX_REPORTED) this.reported.set(fp, slow);
    this.onReport(slow, this.server.get(fp), 1);
  }

  private decide(slow: SlowExecution): void {
    if (!this.excused(slow)) this.report(slow);
  }

  private excused({ shape, time }: SlowExecution): boolean {
    const recent = this.recent.get(shape.fingerprint);
    if (time.delayedMs <= 0 || !recent || recent.n < FLOOR_MIN_EXECUTIONS) return false;
    const floor = recent.floor();
    return floor < this.thresholdMs / 5 && time.delayedMs >= (time.clientMs - floor) / 2;
  }
}
