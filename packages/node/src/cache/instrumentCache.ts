import type { Audit, CounterHandle, HistogramHandle } from '@perf/core';
import { RECOMMENDATIONS } from '../recommendations.js';

/** Options of `instrumentCache`. */
export interface CacheOptions {
  audit: Audit;
  /** The 'cache.name' attribute (bounded: one per cache, not per key). */
  name: string;
  /** Lookups needed before `cache.low-hit-rate` is judged. Default 100. */
  minLookups?: number;
  /** `cache.low-hit-rate` below this hit rate. Default 0.5. */
  lowHitRate?: number;
  /** Method names counted as lookups. Default ['get'] (plus node-redis's 'GET' alias when present). */
  lookups?: string[];
  /** Method names timed as writes. Default ['set'] (plus 'SET'). */
  writes?: string[];
  /**
   * Method names that look up many keys and return (or resolve to) an array with one entry per key, each
   * counted as a hit or a miss: Default ['mget', 'MGET', 'mGet'] (ioredis, node-redis).
   */
  multiLookups?: string[];
}

/** Hits, misses and errors counted so far for one cache. */
export interface CacheStats {
  hits: number;
  misses: number;
  errors: number;
}

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

const restorers = new WeakMap<object, { restore: () => void; stats: CacheStats }>();

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * Counts hits and misses of a cache's lookups and times its reads and writes: Map-like caches and lru-cache
 * (a synchronous `get` returning undefined on a miss) and ioredis / node-redis (`get` resolving to null).
 * The methods are wrapped on the instance; `uninstrumentCache` puts them back. Returns the same cache.
 */
export function instrumentCache<T extends object>(cache: T, options: CacheOptions): T {
  if (restorers.has(cache)) return cache;
  const { audit, name } = options;
  const minLookups = options.minLookups ?? 100;
  const lowHitRate = options.lowHitRate ?? 0.5;
  const stats: CacheStats = { hits: 0, misses: 0, errors: 0 };
  const attrs = (result: string) => ({ 'cache.name': name, 'cache.result': result });
  const hit: CounterHandle = audit.counter('cache.requests', attrs('hit'));
  const miss: CounterHandle = audit.counter('cache.requests', attrs('miss'));
  const error: CounterHandle = audit.counter('cache.requests', attrs('error'));
  const timing = (operation: string): HistogramHandle =>
    audit.histogram(
      'cache.operation.duration',
      { 'cache.name': name, 'cache.operation': operation },
      { unit: 'ms', description: 'Cache read and write latency per cache and operation.' },
    );
  const getTime = timing('get');
  const setTime = timing('set');

  const outcome = (value: unknown) => {
    if (value === undefined || value === null) {
      stats.misses++;
      miss.add();
    } else {
      stats.hits++;
      hit.add();
    }
  };
  const failed = () => {
    stats.errors++;
    error.add();
  };

  const target = cache as Record<string, unknown>;
  const undo: (() => void)[] = [];
  const install = (method: string, fn: unknown) => {
    const original = target[method];
    const own = Object.hasOwn(target, method);
    target[method] = fn;
    undo.push(() => {
      if (own) target[method] = original;
      else delete target[method];
    });
  };
  type Kind = 'lookup' | 'multi' | 'write' | 'fetch';
  /** Hits and misses of a lookup's result: one value, one per key for a multi-key lookup, or a fetch status. */
  const count = (kind: Kind, value: unknown, status?: { fetch?: string }) => {
    if (kind === 'lookup') outcome(value);
    else if (kind === 'multi' && Array.isArray(value)) for (const v of value) outcome(v);
    else if (kind === 'fetch') {
      const s = status?.fetch;
      // 'inflight' joined a fetch already counted as a miss: served without another backend call.
      if (s === 'hit' || s === 'inflight') outcome(value ?? true);
      else if (s === 'miss' || s === 'stale' || s === 'refresh') outcome(undefined);
      else outcome(value);
    }
  };
  const wrap = (original: AnyFn, kind: Kind): AnyFn => {
    const time = kind === 'write' ? setTime : getTime;
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      const start = performance.now();
      // lru-cache's fetch resolves to a value on a miss too: its `status` option says which it was.
      let status: { fetch?: string } | undefined;
      if (kind === 'fetch') {
        const opts = (args[1] ?? {}) as { status?: { fetch?: string } };
        status = opts.status ?? {};
        args[1] = opts.status ? opts : { ...opts, status };
      }
      let result: unknown;
      try {
        result = original.apply(this, args);
      } catch (err) {
        audit.safely(`cache:${name}`, failed);
        throw err;
      }
      audit.safely(`cache:${name}`, () => {
        if (isThenable(result)) {
          result.then(
            (v) => {
              time.record(performance.now() - start);
              count(kind, v, status);
            },
            () => {
              time.record(performance.now() - start);
              if (kind !== 'write') failed();
            },
          );
        } else {
          time.record(performance.now() - start);
          count(kind, result, status);
        }
      });
      return result;
    };
    return wrapped;
  };
  const lookups = options.lookups ?? ['get', 'GET'];
  const writes = options.writes ?? ['set', 'SET'];
  const multiLookups = options.multiLookups ?? ['mget', 'MGET', 'mGet'];
  // node-redis exposes GET and get as one function: both names get the same wrapper.
  const wrappers = new Map<unknown, AnyFn>();
  // lru-cache (it has a fetchMethod slot): `fetch` is a lookup whose status option tells hit from miss.
  const fetches = 'fetchMethod' in target ? ['fetch'] : [];
  for (const [list, kind] of [
    [lookups, 'lookup'],
    [multiLookups, 'multi'],
    [fetches, 'fetch'],
    [writes, 'write'],
  ] as const) {
    for (const m of list) {
      const fn = target[m];
      if (typeof fn !== 'function') continue;
      let w = wrappers.get(fn);
      if (!w) {
        w = wrap(fn as AnyFn, kind);
        wrappers.set(fn, w);
      }
      install(m, w);
    }
  }

  let seenLookups = 0;
  audit.use({
    name: `cache:${name}`,
    collect(a) {
      const lookups = stats.hits + stats.misses;
      if (lookups === 0) return;
      const rate = stats.hits / lookups;
      a.gauge('cache.hit_rate', { 'cache.name': name }).set(rate);
      if (lookups === seenLookups) return;
      seenLookups = lookups;
      if (lookups < minLookups || rate >= lowHitRate) return;
      a.finding({
        rule: 'cache.low-hit-rate',
        key: name,
        area: 'backend',
        severity: rate < lowHitRate / 2 ? 'critical' : 'warning',
        title: `Cache ${name} hits ${(rate * 100).toFixed(1)}% of lookups`,
        message: `${stats.hits} hits and ${stats.misses} misses (threshold ${(lowHitRate * 100).toFixed(0)}%).`,
        evidence: {
          metrics: [{ name: 'cache.hit_rate', attributes: { 'cache.name': name }, value: rate, unit: '1' }],
          attributes: { 'cache.name': name },
          details: { hits: stats.hits, misses: stats.misses, errors: stats.errors, threshold: lowHitRate },
        },
        recommendation: RECOMMENDATIONS.cacheLowHitRate,
        how: {
          method: 'exact',
          source: '@perf/node instrumentCache (wrapped get and mget: one outcome per key)',
        },
      });
    },
  });

  restorers.set(cache, {
    stats,
    restore: () => {
      for (const u of undo.reverse()) u();
    },
  });
  return cache;
}

/** Puts back the original methods of a cache passed to `instrumentCache`. */
export function uninstrumentCache(cache: object): void {
  const r = restorers.get(cache);
  if (!r) return;
  r.restore();
  restorers.delete(cache);
}

/** Hits, misses and errors counted for an instrumented cache. */
export function cacheStats(cache: object): CacheStats | undefined {
  const s = restorers.get(cache)?.stats;
  return s ? { ...s } : undefined;
}
