import { AsyncLocalStorage } from 'node:async_hooks';
import type { Collector, CounterHandle, HistogramHandle } from '@perf/core';
import { addRequestContextReader, currentRequestContext } from '@perf/core';
import type { Knex } from 'knex';
import { appFrames, captureSite } from './callSite.js';
import { dialectOf } from './dialect.js';
import { createMysqlAdvisor } from './explain/mysql.js';
import { createPostgresAdvisor } from './explain/postgres.js';
import { ExplainQueue } from './explain/queue.js';
import { createSqliteAdvisor } from './explain/sqlite.js';
import type { DialectAdvisor, ExplainDb, ExplainJob, RawQuery } from './explain/types.js';
import { FingerprintCache, type SqlShape } from './fingerprint.js';
import { LoopDelayJudge } from './loopDelayJudge.js';
import { MissingIndexFindings } from './missingIndex.js';
import { type EvaluationContext, evaluateScope, suppressed } from './nPlusOne.js';
import { type KnexPerfOptions, resolveOptions } from './options.js';
import { PairingMap } from './pairing.js';
import { type AcquireContext, type PoolLike, PoolMonitor } from './poolMetrics.js';
import { RequestScopes } from './requestScopes.js';
import { RouteBook } from './routeBook.js';
import { affectedRowsOf, rowsOf } from './rows.js';
import { Scope, type ScopeLimits } from './scope.js';
import {
  failed,
  readServerStatementsWith,
  type StatementDigestOptions,
  type StatementDigestResult,
} from './serverDigests.js';
import { serverTimeByFingerprint } from './serverStatements.js';
import { addSlow, reportSlowQuery, reportUnbounded, type SlowTotals } from './slowQuery.js';
import { SlowQueryJudge } from './slowQueryJudge.js';
import { TransactionTracker } from './transactions.js';

/** The handle knexPerf returns. */
export interface KnexPerf {
  /**
   * Runs `fn` as one unit of work for N+1 detection (the highest-priority scope); evaluated when `fn`
   * returns or its promise settles. Returns what `fn` returns.
   */
  scope<T>(name: string, fn: () => T): T;
  /** Ends open request scopes and waits for queued EXPLAINs; call before reading a report in tests. */
  flush(): Promise<void>;
  /**
   * Reads the server's own statement times (MySQL/MariaDB performance_schema digests, PostgreSQL
   * pg_stat_statements; see `readStatementDigests`) into the audit, on the plugin's own connection so the reads
   * are not counted as the app's queries, and puts each slow query's server time beside its client time.
   * Never throws.
   */
  statementDigests(
    options?: Omit<StatementDigestOptions, 'audit' | 'system'>,
  ): Promise<StatementDigestResult>;
  /** Removes every listener, patch and timer; evaluates open scopes first. Idempotent. */
  close(): Promise<void>;
}

/** The fields of knex's query events the plugin reads. */
interface QueryEvent {
  __knexUid?: string;
  __knexTxId?: string;
  __knexQueryUid?: string;
  sql?: string;
  bindings?: readonly unknown[];
  method?: string;
}

/** Inside a knex.transaction() callback. */
interface TxMarker {
  captures: number;
  lastSite: Error | undefined;
}

/** What the plugin keeps in its AsyncLocalStorage. */
interface PerfStore {
  scope?: Scope;
  tx?: TxMarker;
  txSite?: Error;
}

interface Pending {
  start: number;
  shape: SqlShape;
  sql: string;
  bindings: readonly unknown[] | undefined;
  method: string | undefined;
  scope: Scope | undefined;
  inTx: boolean;
  seq: ReturnType<Scope['sequential']['start']>;
}

interface ShapeHandles {
  /** Client time less the event-loop delay that overlapped it: what the budget and db.slow-query judge. */
  duration: HistogramHandle;
  /** Client time as the client's clock saw it. */
  wall: HistogramHandle;
  rows: HistogramHandle;
}

type AnyFn = (...args: unknown[]) => unknown;
type Thenable = { then(onFulfilled: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown): unknown };

interface ClientInternals {
  pool?: PoolLike;
  acquireConnection: AnyFn;
  releaseConnection: AnyFn;
  dialect?: string;
  driverName?: string;
  queryBuilder: AnyFn;
  raw: AnyFn;
}

interface ContextInternals {
  transaction: AnyFn;
}

/** What a finished query carries until its loop delay is known. */
interface JudgedPayload {
  h: ShapeHandles;
  shape: SqlShape;
  failed: boolean;
  site: Error | undefined;
  route: string | undefined;
}

/** The request ('GET /route') or the scope a query ran under, for findings that name where. */
const whereOf = (scope: Scope | undefined): string | undefined =>
  scope ? (scope.kind === 'request' ? scope.name : (scope.route ?? scope.name)) : undefined;

const MAX_HANDLES = 1000;
/** Drivers that run each statement synchronously on the event loop. */
const SYNC_DRIVERS = new Set(['better-sqlite3']);
const INITIAL_CAPTURES = 4;
const SOURCE = '@perf/db';

/**
 * Instruments a knex instance: query timing per fingerprint, rows, errors, pool waits and gauges,
 * transactions, N+1 and slow/unbounded queries, and EXPLAIN-based missing-index advice, all into `audit`.
 */
export function knexPerf(knex: Knex, options: KnexPerfOptions): KnexPerf {
  const { audit } = options;
  const opts = resolveOptions(options);
  const client = knex.client as unknown as ClientInternals;
  const context = (knex as unknown as { context: ContextInternals }).context;
  const { dialect, system: detected } = dialectOf(client);
  const system = options.system ?? detected;
  const als = new AsyncLocalStorage<PerfStore>();
  const now = () => performance.now();
  const cache = new FingerprintCache(dialect);
  const handles = new Map<string, ShapeHandles>();
  const pending = new PairingMap<string, Pending>();
  const routeBook = new RouteBook(MAX_HANDLES);
  const sites = new WeakMap<object, Error>();
  const limits: ScopeLimits = {
    maxFingerprints: opts.maxFingerprintsPerScope,
    sequentialMinQueries: opts.sequentialMinQueries,
    sequentialMinTotalMs: opts.sequentialMinTotalMs,
    hotCount: Math.max(1, Math.min(opts.nPlusOneThreshold, opts.nPlusOneWriteThreshold) - 1),
  };
  const evalCtx: EvaluationContext = {
    audit,
    options: opts,
    system,
    dialect,
    frames: new Map(),
    totals: new Map(),
  };
  let closed = false;
  let evictedCounter: CounterHandle | undefined;

  const fault = (err: unknown) =>
    audit.safely(SOURCE, () => {
      throw err;
    });
  const endScope = (scope: Scope) => {
    try {
      evaluateScope(scope, evalCtx);
    } catch (err) {
      fault(err);
    }
  };

  /** The name a transaction or explicit scope inherits: the enclosing explicit scope, else the request. */
  const enclosing = (): { name: string | undefined; route: string | undefined } => {
    const store = als.getStore();
    const req = currentRequestContext();
    const route = req?.route;
    if (store?.scope && !store.scope.ended)
      return { name: store.scope.name, route: store.scope.route ?? route };
    return { name: req ? `${req.method} ${req.route}` : undefined, route };
  };

  const requests = new RequestScopes(
    (ctx) => new Scope('request', `${ctx.method} ${ctx.route}`, ctx.route, limits, now()),
    endScope,
  );
  const tx = new TransactionTracker({
    audit,
    system,
    options: opts,
    newScope: () => {
      const outer = enclosing();
      return new Scope('transaction', outer.name ?? 'transaction', outer.route, limits, now());
    },
    onEnd: endScope,
  });
  const pool = new PoolMonitor({
    audit,
    system,
    options: opts,
    tx,
    now,
    context: (): AcquireContext => {
      const store = als.getStore();
      return {
        inTransaction: store?.tx !== undefined,
        scopeName: enclosing().name,
        site: store?.tx?.lastSite,
      };
    },
  });
  pool.attach(client.pool);

  // --- EXPLAIN advisor -------------------------------------------------------------------------------
  const originalTransaction = context.transaction;
  const toPromise = (v: unknown) => Promise.resolve(v as Thenable);
  /** Connections the advisor holds: their statements, BEGIN/COMMIT and pool events are not the app's. */
  const internalConns = new Set<unknown>();
  /** > 0 while the plugin itself synchronously builds queries or asks the pool (no async context needed). */
  let internalSync = 0;
  const withOwnConnection = async <T>(fn: (db: ExplainDb) => Promise<T>): Promise<T> => {
    internalSync++;
    let acquiring: Promise<unknown>;
    try {
      acquiring = (client.acquireConnection as () => Promise<unknown>)();
    } finally {
      internalSync--;
    }
    const conn = (await acquiring) as { __knexUid?: string; __knexTxId?: string };
    internalConns.add(conn.__knexUid);
    const rawOn = (sql: string, bindings: readonly unknown[] | undefined) => {
      internalSync++;
      try {
        return toPromise(knex.raw(sql, (bindings ?? []) as Knex.RawBinding[]).connection(conn));
      } finally {
        internalSync--;
      }
    };
    const db: ExplainDb = {
      raw: rawOn,
      readOnly: <R>(body: (raw: RawQuery) => Promise<R>) =>
        toPromise(
          originalTransaction.call(
            context,
            (trx: Knex.Transaction) =>
              body((sql, bindings) => toPromise(trx.raw(sql, (bindings ?? []) as Knex.RawBinding[]))),
            { connection: conn, readOnly: true },
          ),
        ) as Promise<R>,
    };
    try {
      return await fn(db);
    } finally {
      delete conn.__knexTxId;
      internalConns.delete(conn.__knexUid);
      await (client.releaseConnection as (c: unknown) => Promise<void>)(conn);
    }
  };
  const advisor: DialectAdvisor | undefined =
    dialect === 'sqlite'
      ? createSqliteAdvisor()
      : dialect === 'mysql'
        ? createMysqlAdvisor()
        : dialect === 'postgresql'
          ? createPostgresAdvisor()
          : undefined;
  const explainSettings = opts.explain
    ? { minTableRows: opts.explain.minTableRows, timeoutMs: opts.explain.timeoutMs }
    : undefined;
  const indexFindings = opts.explain
    ? new MissingIndexFindings(audit, system, opts.explain.minTableRows, routeBook)
    : undefined;
  const explainQueue =
    advisor && opts.explain && explainSettings
      ? new ExplainQueue(
          async (job: ExplainJob) => {
            try {
              const advice = await withOwnConnection((db) => advisor(job, db, explainSettings));
              for (const a of advice) {
                if (!suppressed(opts, [job.shape.fingerprint], appFrames(job.site)))
                  indexFindings?.add(job.shape, a, job.site);
              }
            } catch (err) {
              // Driver errors can quote the statement with its values: keep only the error's code.
              const e = err as { code?: unknown; name?: unknown };
              fault(
                new Error(
                  `EXPLAIN failed for ${job.shape.fingerprint} (${String(e?.code ?? e?.name ?? 'error')})`,
                ),
              );
              throw err;
            }
          },
          (drain) => {
            setImmediate(drain);
          },
          opts.explain.maxQueue,
          opts.explain.maxFingerprints,
        )
      : undefined;

  // --- per-fingerprint metric handles ---------------------------------------------------------------
  const handlesFor = (shape: SqlShape): ShapeHandles => {
    const hit = handles.get(shape.fingerprint);
    if (hit) return hit;
    const attrs = {
      'db.system.name': system,
      'db.operation.name': shape.operation,
      ...(shape.table ? { 'db.collection.name': shape.table } : {}),
      'db.query.fingerprint': shape.fingerprint,
      ...(opts.queryText ? { 'db.query.text': shape.text.slice(0, 2048) } : {}),
    };
    const h = {
      duration: audit.histogram('db.client.operation.duration', attrs),
      wall: audit.histogram('db.client.operation.wall_duration', attrs),
      rows: audit.histogram('db.client.response.returned_rows', attrs),
    };
    if (handles.size < MAX_HANDLES) handles.set(shape.fingerprint, h);
    return h;
  };

  // --- knex query events ----------------------------------------------------------------------------
  const onQuery = (q: QueryEvent) => {
    try {
      if (closed || (internalConns.size > 0 && internalConns.has(q.__knexUid))) return;
      const store = als.getStore();
      const t = now();
      const uid = q.__knexQueryUid;
      if (!uid) {
        tx.control(q, t, store?.txSite);
        return;
      }
      pool.attach(client.pool);
      const sql = q.sql ?? '';
      const shape = cache.get(sql);
      const txRec = tx.recordFor(q);
      if (txRec) txRec.queries++;
      const explicit = store?.scope && !store.scope.ended ? store.scope : undefined;
      const scope = explicit ?? txRec?.scope ?? requests.current();
      let seq: Pending['seq'];
      if (scope) {
        seq = scope.sequential.start(shape, q.bindings, scope.inflight);
        scope.inflight++;
        scope.lastActive = t;
      }
      if (pending.size >= opts.maxPending) evictOldest(t, true);
      pending.set(uid, {
        start: t,
        shape,
        sql,
        bindings: q.bindings,
        method: q.method,
        scope,
        inTx: txRec !== undefined,
        seq,
      });
    } catch (err) {
      fault(err);
    }
  };

  // Each query's time less the loop's delay over it (blocking, CPU starvation) is the query's own: that part
  // goes to the duration histogram and decides whether it is slow.
  const slowTotals = new Map<string, SlowTotals>();
  const slowQueries = new SlowQueryJudge(opts.slowQueryMs, (slow, server, count) => {
    const fp = slow.shape.fingerprint;
    let totals = slowTotals.get(fp);
    if (!totals) {
      if (slowTotals.size >= MAX_HANDLES) slowTotals.clear();
      totals = { count: 0, ms: 0, excessMs: 0, routes: [], allQueryMs: 0 };
      slowTotals.set(fp, totals);
    }
    if (count > 0) addSlow(totals, slow, opts.slowQueryMs);
    totals.allQueryMs = routeBook.totalMs;
    reportSlowQuery(audit, opts, system, slow, server, count, totals);
  });
  const judge = new LoopDelayJudge<JudgedPayload>(
    (q, loop) => {
      const { h, shape, failed, site, route } = q.payload;
      const own = q.ms - loop.callbackMs;
      h.duration.record(own);
      const time = { ownMs: own, clientMs: q.ms, loopMs: loop.callbackMs, delayedMs: loop.delayedMs };
      const slow = !failed && own > opts.slowQueryMs;
      const execution = slow ? { shape, time, duration: h.duration, site, route } : undefined;
      // Without a loop-delay timeline nothing can be excused, so no statement's floor is kept: report at once.
      if (loop.measured) slowQueries.judge(execution, shape, q.ms);
      else if (execution) slowQueries.report(execution);
    },
    opts.maxPending,
    !SYNC_DRIVERS.has(String((client as { driverName?: unknown }).driverName)),
  );

  // Call sites are only looked up where they are reported (most queries: no scope, not slow).
  const siteFor = (builder: object | undefined) => (builder ? sites.get(builder) : undefined);

  const finish = (q: QueryEvent, response: unknown, err: unknown, builder: object | undefined) => {
    const uid = q.__knexQueryUid;
    if (!uid) return;
    const p = pending.take(uid);
    if (!p) return;
    const t = now();
    const ms = t - p.start;
    const { shape } = p;
    const h = handlesFor(shape);
    h.wall.record(ms);
    const failed = err !== undefined;
    const where = whereOf(p.scope);
    routeBook.add(shape.fingerprint, ms, where);
    judge.add({
      start: p.start,
      end: t,
      ms,
      payload: {
        h,
        shape,
        failed,
        site: !failed && ms > opts.slowQueryMs ? siteFor(builder) : undefined,
        route: where,
      },
    });
    let rows: number | undefined;
    if (failed) {
      const e = err as { code?: unknown; name?: unknown };
      audit
        .counter('db.client.errors', {
          'db.system.name': system,
          'db.operation.name': shape.operation,
          'db.query.fingerprint': shape.fingerprint,
          'error.type': String(e?.code ?? e?.name ?? 'error').slice(0, 64),
        })
        .add();
    } else {
      rows = rowsOf(response, p.method);
      if (rows !== undefined) h.rows.record(rows);
    }
    const scope = p.scope;
    if (scope) {
      scope.inflight--;
      scope.lastActive = t;
      let singleRow = false;
      if (!failed) {
        if (shape.operation === 'INSERT') singleRow = shape.valuesRows === 1;
        else if (shape.operation === 'UPDATE' || shape.operation === 'DELETE') {
          const affected = affectedRowsOf(response, p.method);
          singleRow = affected !== undefined && affected <= 1;
        }
      }
      scope.record(shape, ms, singleRow, siteFor(builder));
      scope.sequential.end(p.seq, ms, response, siteFor(builder));
    }
    if (!failed) {
      if (
        rows !== undefined &&
        rows > opts.unboundedRows &&
        shape.operation === 'SELECT' &&
        !shape.hasLimit
      ) {
        const seen = routeBook.get(shape.fingerprint);
        reportUnbounded(
          audit,
          opts,
          system,
          shape,
          rows,
          siteFor(builder),
          where,
          seen ? { ms: seen.ms, allQueryMs: routeBook.totalMs } : undefined,
        );
      }
      if (
        explainQueue &&
        opts.explain &&
        shape.operation === 'SELECT' &&
        ms >= opts.explain.minDurationMs &&
        explainQueue.wants(shape.fingerprint)
      ) {
        if (/\b(?:WHERE|JOIN)\b/.test(shape.text) && /^\s*(?:SELECT|WITH)\b/i.test(shape.text)) {
          explainQueue.offer({
            shape,
            sql: p.sql,
            bindings: p.bindings ?? [],
            route: where,
            site: siteFor(builder),
          });
        } else explainQueue.skip(shape.fingerprint);
      }
    }
    if (options.onQuery) {
      const record = {
        shape,
        durationMs: ms,
        rows,
        error: failed,
        scope: scope?.name,
        inTransaction: p.inTx,
      };
      const hook = options.onQuery;
      audit.safely(SOURCE, () => hook(record));
    }
  };

  const onResponse = (response: unknown, q: QueryEvent, builder: unknown) => {
    try {
      if (closed) return;
      finish(q, response, undefined, builder && typeof builder === 'object' ? builder : undefined);
    } catch (err) {
      fault(err);
    }
  };

  const onError = (error: unknown, q: QueryEvent) => {
    try {
      if (closed) return;
      finish(q, undefined, error ?? new Error('query failed'), undefined);
    } catch (err) {
      fault(err);
    }
  };

  /** Drops pending queries older than pendingTimeoutMs (or the oldest one when `force`). */
  function evictOldest(t: number, force: boolean): void {
    for (const [uid, p] of pending) {
      if (!force && t - p.start <= opts.pendingTimeoutMs) break;
      pending.delete(uid);
      if (p.scope) p.scope.inflight--;
      evictedCounter ??= audit.counter(
        'db.client.queries.evicted',
        { 'db.system.name': system },
        {
          area: 'database',
          unit: '{query}',
          description:
            'Started queries whose end never came (stream, lost event) dropped from the pending map.',
        },
      );
      evictedCounter.add();
      if (force) return;
    }
  }

  knex.on('query', onQuery);
  knex.on('query-response', onResponse);
  knex.on('query-error', onError);
  // Tells @perf/node's middleware (context: 'auto') that queries are attributed to requests from now on.
  const removeReader = addRequestContextReader();

  // --- call sites: captured where the app builds the query (later frames are knex internals) -------
  const captureFor = (builder: unknown) => {
    if (closed || internalSync > 0 || !builder || typeof builder !== 'object' || opts.maxStackCaptures <= 0)
      return;
    const store = als.getStore();
    const holder: { captures: number; wantSites?: boolean } | undefined =
      (store?.scope && !store.scope.ended ? store.scope : undefined) ?? store?.tx ?? requests.current();
    if (!holder || holder.captures >= opts.maxStackCaptures) return;
    // The first few builders of a scope (that covers Promise.all fan-outs), then only while a repeated
    // statement still lacks a site (that covers loops): most builders are never captured.
    if (holder.captures >= INITIAL_CAPTURES && !holder.wantSites) return;
    holder.captures++;
    const site = captureSite();
    sites.set(builder, site);
    if (store?.tx) store.tx.lastSite = site;
  };
  const patched: {
    target: ClientInternals;
    key: 'queryBuilder' | 'raw' | 'acquireConnection' | 'releaseConnection';
    own: boolean;
    original: AnyFn;
  }[] = [];
  const hookBuilders = (target: ClientInternals, record: boolean) => {
    for (const key of ['queryBuilder', 'raw'] as const) {
      const original = target[key];
      if (typeof original !== 'function') continue;
      const own = Object.hasOwn(target, key);
      target[key] = function (this: unknown, ...args: unknown[]) {
        const built = original.apply(this, args);
        captureFor(built);
        return built;
      };
      if (record) patched.push({ target, key, own, original });
    }
  };
  hookBuilders(client, true);

  // --- pool: time acquires around knex's own calls (see PoolMonitor for why not tarn's events) --------
  const originalAcquire = client.acquireConnection;
  const originalRelease = client.releaseConnection;
  patched.push(
    {
      target: client,
      key: 'acquireConnection',
      own: Object.hasOwn(client, 'acquireConnection'),
      original: originalAcquire,
    },
    {
      target: client,
      key: 'releaseConnection',
      own: Object.hasOwn(client, 'releaseConnection'),
      original: originalRelease,
    },
  );
  client.acquireConnection = function (this: ClientInternals): Promise<unknown> {
    // The plugin's own EXPLAIN connection is not the app's pool use.
    const ticket = closed || internalSync > 0 ? undefined : pool.beforeAcquire(this.pool);
    const acquiring = originalAcquire.call(this) as Promise<unknown>;
    if (!ticket) return acquiring;
    return acquiring.then(
      (conn) => {
        pool.acquired(ticket, conn);
        return conn;
      },
      (err: unknown) => {
        pool.acquireFailed(ticket);
        throw err;
      },
    );
  };
  client.releaseConnection = function (this: ClientInternals, connection: unknown): unknown {
    if (!closed) pool.released(connection);
    return originalRelease.call(this, connection);
  };

  // --- transactions: mark the callback's async context, capture where the transaction starts ---------
  context.transaction = function (this: unknown, container?: unknown, config?: unknown) {
    if (closed || typeof container !== 'function') return originalTransaction.call(this, container, config);
    const store = als.getStore();
    const marker: TxMarker = { captures: 0, lastSite: undefined };
    const wrapped = (trx: { client?: ClientInternals }) => {
      if (trx?.client && !closed) hookBuilders(trx.client, false);
      return als.run({ ...als.getStore(), tx: marker }, () => (container as AnyFn)(trx));
    };
    return als.run({ ...store, txSite: captureSite() }, () =>
      originalTransaction.call(this, wrapped, config),
    );
  };

  // --- housekeeping -------------------------------------------------------------------------------
  const timer = setInterval(
    () => {
      try {
        const t = now();
        judge.flush();
        evictOldest(t, false);
        requests.sweep(t, opts.requestIdleMs);
      } catch (err) {
        fault(err);
      }
    },
    Math.min(opts.requestIdleMs, 1000),
  );
  timer.unref();

  const handle: KnexPerf = {
    scope<T>(name: string, fn: () => T): T {
      if (closed) return fn();
      const outer = enclosing();
      const scope = new Scope('explicit', name, outer.route, limits, now());
      return als.run({ ...als.getStore(), scope }, () => {
        let result: T;
        try {
          result = fn();
        } catch (err) {
          endScope(scope);
          throw err;
        }
        if (result && typeof (result as unknown as Thenable).then === 'function') {
          return Promise.resolve(result).finally(() => endScope(scope)) as T;
        }
        endScope(scope);
        return result;
      });
    },

    async statementDigests(digestOptions = {}) {
      if (closed) return { enabled: false, reason: 'knexPerf is closed' };
      try {
        const result = await withOwnConnection((db) =>
          readServerStatementsWith(db.raw, dialect, system, { ...digestOptions, audit, system }),
        );
        slowQueries.setServerTimes(serverTimeByFingerprint(result));
        return result;
      } catch (err) {
        return failed(audit, err);
      }
    },

    async flush() {
      judge.flush(true);
      slowQueries.flush();
      requests.endAll();
      await explainQueue?.idle();
      indexFindings?.refresh();
    },

    async close() {
      if (closed) return;
      judge.flush(true);
      slowQueries.flush();
      closed = true;
      clearInterval(timer);
      knex.removeListener('query', onQuery);
      knex.removeListener('query-response', onResponse);
      knex.removeListener('query-error', onError);
      pool.detach();
      removeReader();
      for (const p of patched.splice(0)) {
        if (p.own) p.target[p.key] = p.original;
        else delete (p.target as Partial<ClientInternals>)[p.key];
      }
      context.transaction = originalTransaction;
      requests.endAll();
      tx.endAll();
      explainQueue?.close();
      await explainQueue?.idle();
      indexFindings?.refresh();
      pending.clear();
      // On Node 20 a used AsyncLocalStorage keeps promise hooks on for the whole process; release them.
      als.disable();
    },
  };

  const collector: Collector = {
    name: SOURCE,
    collect() {
      if (closed) return;
      judge.flush(true);
      slowQueries.flush();
      pool.attach(client.pool);
      pool.sample();
      requests.sweep(now(), 0);
      indexFindings?.refresh();
    },
    stop: () => handle.close(),
  };
  audit.use(collector);
  return handle;
}
