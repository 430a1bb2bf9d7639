import type { Audit, GaugeHandle, HistogramHandle } from '@perf/core';
import { appFrames } from './callSite.js';
import type { ResolvedOptions } from './options.js';
import type { TransactionTracker } from './transactions.js';

/** The part of a tarn Pool (knex.client.pool) the monitor uses. */
export interface PoolLike {
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
  acquireTimeoutMillis?: number;
}

/** Who asked for a connection, read from the async context at the acquire request. */
export interface AcquireContext {
  /** Inside a knex.transaction() callback, yet asking the pool (so not using the transaction's connection). */
  inTransaction: boolean;
  scopeName: string | undefined;
  site: Error | undefined;
}

/** A timed acquire in flight. */
export interface AcquireTicket {
  t: number;
  /** Acquires this one stands for: 1 when contended, UNCONTENDED_STRIDE for a sampled uncontended one. */
  weight: number;
}

/**
 * Uncontended acquires (a free connection and nobody waiting when the request came) are timed one in this many
 * and recorded with this weight, so the histograms still count every acquire. Their wait is the pool's own
 * bookkeeping (a few microtask hops) and timing every one cost three clock reads and two histogram records per
 * query, about a third of the plugin's cost on in-memory SQLite. Contended acquires are always timed.
 */
export const UNCONTENDED_STRIDE = 16;

/** Gauges are sampled at most this often on the hot path (always on contention, timeouts and reports). */
const SAMPLE_EVERY_MS = 1;

const OPTS = { area: 'database' as const };

/** What the monitor needs from the plugin. */
export interface PoolDeps {
  audit: Audit;
  system: string;
  options: ResolvedOptions;
  tx: TransactionTracker;
  now(): number;
  /** The requester's context in full; read only when an acquire fails (tarn calls back in its context). */
  context(): AcquireContext;
}

/**
 * Pool metrics. knex's query events start after a connection is acquired, so the wait for one is measured
 * here, around knex's `client.acquireConnection()` (the plugin wraps it and `releaseConnection()` and calls
 * `beforeAcquire`, `acquired`, `acquireFailed` and `released`). Why not tarn's acquireRequest / acquireSuccess
 * / release events: tarn copies its listener array and spreads the arguments on every event, three times per
 * query, which with the listeners was about 0.3 µs of a 19 µs in-memory SQLite query; an untimed acquire now
 * costs two wrapper calls and a contention test. tarn's acquireFail (rare) still reports timeouts.
 */
export class PoolMonitor {
  private pool: PoolLike | undefined;
  /**
   * Acquire time of connections in use: the last one acquired in a slot (sequential work holds one at a
   * time, and a WeakMap swinging between 0 and 1 entries rehashes on every delete), the others in a WeakMap.
   * The slot keeps at most one connection alive that the pool destroyed without a release.
   */
  private lastResource: object | undefined;
  private lastResourceAt = 0;
  private lastResourceWeight = 1;
  private readonly inUse = new WeakMap<object, { t: number; weight: number }>();
  /** Entries ever put in inUse and not taken out (destroyed connections stay): 0 skips the lookup. */
  private inUseCount = 0;
  private uncontended = 0;
  private readonly wait: HistogramHandle;
  private readonly use: HistogramHandle;
  private readonly used: GaugeHandle;
  private readonly idle: GaugeHandle;
  private readonly waiting: GaugeHandle;
  private readonly max: GaugeHandle;
  private readonly timeouts: { add(n?: number): void };
  private readonly listeners: [string, (...args: never[]) => void][];
  private lastSample = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: PoolDeps) {
    const { audit, system } = deps;
    const pool = { 'db.system.name': system, 'db.client.connection.pool.name': system };
    this.wait = audit.histogram('db.client.connection.wait_time', pool);
    this.use = audit.histogram('db.client.connection.use_time', pool, {
      ...OPTS,
      unit: 'ms',
      description: 'Time a connection is held between acquire and release.',
    });
    const count = { ...OPTS, unit: '{connection}', description: 'Pool connections per state (used, idle).' };
    this.used = audit.gauge(
      'db.client.connection.count',
      { ...pool, 'db.client.connection.state': 'used' },
      count,
    );
    this.idle = audit.gauge(
      'db.client.connection.count',
      { ...pool, 'db.client.connection.state': 'idle' },
      count,
    );
    this.waiting = audit.gauge('db.client.connection.pending_requests', pool, {
      ...OPTS,
      unit: '{request}',
      description: 'Acquire requests waiting for a connection.',
    });
    this.max = audit.gauge('db.client.connection.max', pool, {
      ...OPTS,
      unit: '{connection}',
      description: 'Maximum connections the pool allows.',
    });
    this.timeouts = audit.counter('db.client.connection.timeouts', pool, {
      ...OPTS,
      unit: '{timeout}',
      description: 'Acquire requests that timed out.',
    });
    this.listeners = [['acquireFail', (_id: number, err: Error) => this.onFail(err)]];
  }

  /** Starts listening to `pool` (again, when knex replaced its pool); a no-op for the same pool. */
  attach(pool: PoolLike | undefined): void {
    if (pool === this.pool) return;
    this.detach();
    if (!pool || typeof pool.on !== 'function') return;
    this.pool = pool;
    for (const [event, fn] of this.listeners) pool.on(event, fn);
    this.sample();
  }

  /** Removes every listener. */
  detach(): void {
    const pool = this.pool;
    if (!pool) return;
    for (const [event, fn] of this.listeners) pool.removeListener(event, fn);
    this.pool = undefined;
    this.lastResource = undefined;
  }

  /** Sets the gauges from the pool's current state. */
  sample(): void {
    const pool = this.pool;
    if (!pool) return;
    this.lastSample = this.deps.now();
    this.used.set(pool.numUsed());
    this.idle.set(pool.numFree());
    this.waiting.set(pool.numPendingAcquires());
    this.max.set(pool.max);
  }

  /** Samples unless a sample was taken within SAMPLE_EVERY_MS, or always when requests are waiting. */
  private maybeSample(now: number): void {
    const pool = this.pool;
    if (!pool) return;
    if (now - this.lastSample >= SAMPLE_EVERY_MS || pool.numPendingAcquires() > 0) this.sample();
  }

  /**
   * Called before knex asks the pool for a connection (not for the plugin's own). Returns a ticket when this
   * acquire is timed: every contended one, one uncontended in UNCONTENDED_STRIDE.
   */
  beforeAcquire(pool: PoolLike | undefined): AcquireTicket | undefined {
    try {
      let weight = 1;
      // Nobody waiting and a free connection: tarn hands it over after its own bookkeeping, no wait.
      if (pool && pool.numFree() > 0 && pool.numPendingAcquires() === 0) {
        if ((this.uncontended++ & (UNCONTENDED_STRIDE - 1)) !== 0) return undefined;
        weight = UNCONTENDED_STRIDE;
      }
      const t = this.deps.now();
      this.maybeSample(t);
      return { t, weight };
    } catch (err) {
      this.fault(err);
      return undefined;
    }
  }

  /** A timed acquire got its connection: records the wait and starts timing the connection's use. */
  acquired(ticket: AcquireTicket, resource: unknown): void {
    try {
      const now = this.deps.now();
      this.wait.record(now - ticket.t, ticket.weight);
      if (resource && typeof resource === 'object') {
        if (this.lastResource === undefined || this.lastResource === resource) {
          this.lastResource = resource;
          this.lastResourceAt = now;
          this.lastResourceWeight = ticket.weight;
        } else {
          this.inUse.set(resource, { t: now, weight: ticket.weight });
          this.inUseCount++;
        }
      }
      this.maybeSample(now);
    } catch (err) {
      this.fault(err);
    }
  }

  /** A timed acquire failed (timeouts are counted from tarn's acquireFail): its wait still counts. */
  acquireFailed(ticket: AcquireTicket): void {
    try {
      this.wait.record(this.deps.now() - ticket.t, ticket.weight);
    } catch (err) {
      this.fault(err);
    }
  }

  /** knex releases a connection: records its use time when its acquire was timed. */
  released(resource: unknown): void {
    try {
      if (!resource || typeof resource !== 'object') return;
      let t: number;
      let weight: number;
      if (resource === this.lastResource) {
        t = this.lastResourceAt;
        weight = this.lastResourceWeight;
        this.lastResource = undefined;
      } else {
        if (this.inUseCount === 0) return;
        const held = this.inUse.get(resource);
        if (held === undefined) return;
        this.inUse.delete(resource);
        this.inUseCount--;
        t = held.t;
        weight = held.weight;
      }
      const now = this.deps.now();
      this.use.record(now - t, weight);
      // Released before tarn moves the connection back to free: sample after it has.
      if (now - this.lastSample >= SAMPLE_EVERY_MS) queueMicrotask(() => this.sample());
    } catch (err) {
      this.fault(err);
    }
  }

  private fault(err: unknown): void {
    this.deps.audit.safely('@perf/db', () => {
      throw err;
    });
  }

  private onFail(err: Error): void {
    this.deps.audit.safely('@perf/db', () => {
      const ctx = this.deps.context();
      this.sample();
      // tarn's TimeoutError does not set `name`: recognise it by class name (the acquire timeout is its only use).
      const timedOut = err?.name === 'TimeoutError' || err?.constructor?.name === 'TimeoutError';
      if (!timedOut) return;
      this.timeouts.add();
      this.reportExhausted(ctx, this.pool?.acquireTimeoutMillis ?? Number.NaN);
    });
  }

  private reportExhausted(ctx: AcquireContext, waited: number): void {
    const pool = this.pool;
    if (!pool) return;
    const { audit, system, tx, options } = this.deps;
    const used = pool.numUsed();
    const heldByTx = tx.holdsAll(used) && used >= pool.max;
    const deadlock = ctx.inTransaction || heldByTx;
    const frames = appFrames(ctx.site);
    if (options.suppressCallSites.some((s) => frames.some((f) => f.includes(s)))) return;
    const where = frames[0] ?? ctx.scopeName ?? 'unknown caller';
    const details = {
      poolMax: pool.max,
      used,
      idle: pool.numFree(),
      pending: pool.numPendingAcquires(),
      openTransactions: tx.openCount,
      waitedMs: Math.round(waited),
      requesterInTransaction: ctx.inTransaction,
      deadlock,
      callSite: frames[0] ?? null,
    };
    audit.finding({
      rule: 'db.pool-exhausted',
      key: deadlock ? `deadlock ${where}` : `timeout ${ctx.scopeName ?? ''}`.trim(),
      area: 'database',
      severity: 'critical',
      title: deadlock
        ? ctx.inTransaction
          ? `Pool deadlock: a query outside its transaction waited for a connection (${where})`
          : `Pool deadlock: all ${pool.max} connections are held by open transactions`
        : `Connection pool exhausted: acquire timed out after ${Math.round(waited)} ms`,
      message: deadlock
        ? 'Code inside a transaction ran a query on the global knex instead of the transaction, so it needs a second ' +
          'connection while the transaction holds one; when transactions hold every connection, neither can finish ' +
          'and the acquire times out.'
        : `All ${pool.max} connections stayed in use (${details.pending} requests waiting) until the acquire timeout.`,
      evidence: {
        metrics: [{ name: 'db.client.connection.wait_time', value: Math.round(waited), unit: 'ms' }],
        ...(frames.length ? { stack: frames } : {}),
        attributes: { 'db.system.name': system },
        details,
      },
      recommendation: deadlock
        ? 'Run every statement of a transaction on the transaction object (trx(...) or .transacting(trx)), never on the ' +
          'global knex inside it, and keep pool.max above the number of concurrent transactions.'
        : 'Find what holds connections (long queries, long transactions, unconsumed streams), shorten it, or raise ' +
          "pool.max within the database's max_connections; watch db.client.connection.wait_time.",
      how: { method: 'exact', source: 'tarn pool events (acquireRequest/acquireFail)' },
    });
  }
}
