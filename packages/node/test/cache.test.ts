import { createAudit, parseReport } from '@perf/core';
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { requireService } from '../../../test-support/services.js';
import { cacheStats, instrumentCache, uninstrumentCache } from '../src/index.js';
import { counterValue, metric } from './support.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const hasRedis = await requireService(
  'Redis',
  async () => {
    const probe = new Redis(REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await probe.connect();
      await probe.ping();
    } finally {
      probe.disconnect();
    }
  },
  'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
);

const hitRate = (report: ReturnType<ReturnType<typeof createAudit>['report']>, name: string) => {
  const m = metric(report, 'cache.hit_rate', { 'cache.name': name });
  return m?.kind === 'gauge' ? m.value : undefined;
};

describe('cache instrumentation (in-process caches)', () => {
  it('Map: exact hits and misses, hit rate, low-hit-rate finding, and a clean uninstrument', () => {
    const audit = createAudit({ subject: 'cache-map' });
    const map = new Map<string, number>();
    const originalGet = map.get;
    instrumentCache(map, { audit, name: 'map', minLookups: 10 });
    for (let i = 0; i < 5; i++) map.set(`k${i}`, i);
    for (let i = 0; i < 20; i++) map.get(`k${i}`); // 5 hits, 15 misses
    expect(map.get('k1')).toBe(1); // values pass through unchanged: 6 hits
    const report = parseReport(audit.report());
    expect(counterValue(report, 'cache.requests', { 'cache.name': 'map', 'cache.result': 'hit' })).toBe(6);
    expect(counterValue(report, 'cache.requests', { 'cache.name': 'map', 'cache.result': 'miss' })).toBe(15);
    expect(hitRate(report, 'map')).toBeCloseTo(6 / 21, 12);
    const f = report.findings.find((x) => x.rule === 'cache.low-hit-rate');
    expect(f?.key).toBe('map');
    expect(f?.evidence.details).toMatchObject({ hits: 6, misses: 15 });
    const writes = metric(report, 'cache.operation.duration', {
      'cache.name': 'map',
      'cache.operation': 'set',
    });
    expect(writes?.kind === 'histogram' && writes.count).toBe(5);
    uninstrumentCache(map);
    expect(map.get).toBe(originalGet);
    expect(Object.hasOwn(map, 'get')).toBe(false);
    map.get('k1');
    expect(cacheStats(map)).toBeUndefined();
  });

  it('lru-cache fetch: hit or miss from its status (a miss still resolves to a value), joined fetches are hits', async () => {
    const audit = createAudit({ subject: 'cache-fetch' });
    let backend = 0;
    const cache = instrumentCache(
      new LRUCache<string, string>({
        max: 100,
        fetchMethod: async (key) => {
          backend++;
          await new Promise((r) => setTimeout(r, 5));
          return `v:${key}`;
        },
      }),
      { audit, name: 'fetch', minLookups: 1000 },
    );
    expect(await cache.fetch('a')).toBe('v:a'); // miss: fetched
    expect(await cache.fetch('a')).toBe('v:a'); // hit
    // Two concurrent fetches of one key: one backend call, the second joins it.
    expect(await Promise.all([cache.fetch('b'), cache.fetch('b')])).toEqual(['v:b', 'v:b']);
    // The caller's own status object is used and still filled in.
    const status: LRUCache.Status<string, string> = {};
    expect(await cache.fetch('b', { status })).toBe('v:b');
    expect(status.fetch).toBe('hit');
    expect(backend).toBe(2);
    expect(cacheStats(cache)).toEqual({ hits: 3, misses: 2, errors: 0 });
    const reads = metric(audit.report(), 'cache.operation.duration', {
      'cache.name': 'fetch',
      'cache.operation': 'get',
    });
    expect(reads?.kind === 'histogram' && reads.count).toBe(5);
  });

  it('lru-cache: evictions show up as misses; a healthy cache raises no finding', () => {
    const audit = createAudit({ subject: 'cache-lru' });
    const small = instrumentCache(new LRUCache<string, string>({ max: 10 }), {
      audit,
      name: 'small',
      minLookups: 50,
    });
    const big = instrumentCache(new LRUCache<string, string>({ max: 1000 }), {
      audit,
      name: 'big',
      minLookups: 50,
    });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100; i++) {
        for (const c of [small, big]) if (c.get(`k${i}`) === undefined) c.set(`k${i}`, `v${i}`);
      }
    }
    expect(cacheStats(small)).toEqual({ hits: 0, misses: 300, errors: 0 });
    expect(cacheStats(big)).toEqual({ hits: 200, misses: 100, errors: 0 });
    const report = audit.report();
    expect(hitRate(report, 'small')).toBe(0);
    expect(hitRate(report, 'big')).toBeCloseTo(2 / 3, 12);
    expect(report.findings.map((f) => `${f.rule} ${f.key}`)).toEqual(['cache.low-hit-rate small']);
  });
});

describe.skipIf(!hasRedis)('cache instrumentation against the real Redis on 127.0.0.1:6379', () => {
  const prefix = `perf-node-test:${process.pid}:${Date.now()}:`;

  it('ioredis get/set: hits, misses and latency', async () => {
    const audit = createAudit({ subject: 'cache-ioredis' });
    const client = new Redis(REDIS_URL);
    try {
      instrumentCache(client, { audit, name: 'ioredis', minLookups: 10 });
      for (let i = 0; i < 10; i++) await client.set(`${prefix}io:${i}`, `v${i}`, 'EX', 60);
      const got = await Promise.all(Array.from({ length: 40 }, (_, i) => client.get(`${prefix}io:${i}`)));
      expect(got.filter((v) => v !== null)).toHaveLength(10);
      // The callback form still works and is counted once.
      const viaCallback = await new Promise<string | null | undefined>((resolve, reject) =>
        client.get(`${prefix}io:3`, (err, v) => (err ? reject(err) : resolve(v))),
      );
      expect(viaCallback).toBe('v3');
      const report = parseReport(audit.report());
      expect(counterValue(report, 'cache.requests', { 'cache.name': 'ioredis', 'cache.result': 'hit' })).toBe(
        11,
      );
      expect(
        counterValue(report, 'cache.requests', { 'cache.name': 'ioredis', 'cache.result': 'miss' }),
      ).toBe(30);
      expect(hitRate(report, 'ioredis')).toBeCloseTo(11 / 41, 12);
      const reads = metric(report, 'cache.operation.duration', {
        'cache.name': 'ioredis',
        'cache.operation': 'get',
      });
      expect(reads?.kind === 'histogram' && reads.count).toBe(41);
      expect(report.findings.map((f) => f.rule)).toEqual(['cache.low-hit-rate']);
    } finally {
      const keys = await client.keys(`${prefix}io:*`);
      if (keys.length) await client.del(...keys);
      client.disconnect();
    }
  });

  it('mget (ioredis) and mGet (node-redis): one hit or miss per key, one timed read per call', async () => {
    const audit = createAudit({ subject: 'cache-mget' });
    const io = new Redis(REDIS_URL);
    const nr = createClient({ url: REDIS_URL });
    await nr.connect();
    try {
      instrumentCache(io, { audit, name: 'io-mget', minLookups: 1000 });
      instrumentCache(nr, { audit, name: 'nr-mget', minLookups: 1000 });
      await io.set(`${prefix}mg:1`, 'a');
      await io.set(`${prefix}mg:2`, 'b');
      const keys = [1, 2, 3, 4, 5].map((i) => `${prefix}mg:${i}`);
      expect(await io.mget(...keys)).toEqual(['a', 'b', null, null, null]);
      expect(await nr.mGet(keys)).toEqual(['a', 'b', null, null, null]);
      expect(cacheStats(io)).toEqual({ hits: 2, misses: 3, errors: 0 });
      expect(cacheStats(nr)).toEqual({ hits: 2, misses: 3, errors: 0 });
      const report = parseReport(audit.report());
      expect(hitRate(report, 'io-mget')).toBeCloseTo(2 / 5, 12);
      const reads = metric(report, 'cache.operation.duration', {
        'cache.name': 'nr-mget',
        'cache.operation': 'get',
      });
      expect(reads?.kind === 'histogram' && reads.count).toBe(1);
    } finally {
      const keys = await io.keys(`${prefix}mg:*`);
      if (keys.length) await io.del(...keys);
      io.disconnect();
      await nr.quit();
    }
  });

  it('node-redis get/GET/set: hits, misses and errors', async () => {
    const audit = createAudit({ subject: 'cache-node-redis' });
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    try {
      instrumentCache(client, { audit, name: 'node-redis', minLookups: 5 });
      await client.set(`${prefix}nr:a`, '1');
      await client.set(`${prefix}nr:b`, '2');
      expect(await client.get(`${prefix}nr:a`)).toBe('1');
      expect(await client.GET(`${prefix}nr:b`)).toBe('2');
      expect(await client.get(`${prefix}nr:missing`)).toBeNull();
      for (let i = 0; i < 5; i++) await client.get(`${prefix}nr:a`);
      // A GET on a list is a WRONGTYPE error: counted as an error, not a miss, and still rejected to the caller.
      await client.rPush(`${prefix}nr:list`, 'x');
      await expect(client.get(`${prefix}nr:list`)).rejects.toThrow(/WRONGTYPE/);
      expect(cacheStats(client)).toEqual({ hits: 7, misses: 1, errors: 1 });
      const report = audit.report();
      expect(hitRate(report, 'node-redis')).toBeCloseTo(7 / 8, 12);
      expect(report.findings).toEqual([]);
    } finally {
      await client.del([`${prefix}nr:a`, `${prefix}nr:b`, `${prefix}nr:list`]);
      await client.quit();
    }
  });
});
