import { AsyncLocalStorage } from 'node:async_hooks';
import { createAudit, type RequestContext, registerRequestContextProvider } from '@perf/core';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbMatchers, dbMatchers, expectQueries, knexPerf } from '../src/index.js';
import { createOrders, engine, uniqueTable } from './engines.js';

expect.extend(dbMatchers);

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must match vitest's own declaration to merge.
  interface Matchers<T = any> extends DbMatchers<T> {}
}

const sqlite = await engine('sqlite');
const pg = await engine('postgresql');

describe('request scopes, assertions and lifecycle (SQLite)', () => {
  let knex: Knex;
  const table = uniqueTable('scoped');

  beforeAll(async () => {
    knex = sqlite.make();
    await createOrders(knex, table, 30);
  });
  afterAll(async () => {
    await knex.schema.dropTableIfExists(table);
    await knex.destroy();
  });

  it('attributes an N+1 to the HTTP route from the request context and merges it across requests', async () => {
    // @perf/node registers this provider in an app; here a local AsyncLocalStorage plays the request.
    const requests = new AsyncLocalStorage<RequestContext>();
    const unregister = registerRequestContextProvider(() => requests.getStore());
    const audit = createAudit({ subject: 'routes' });
    const perf = knexPerf(knex, { audit, explain: false });
    const handler = async (ids: number[]) => {
      for (const id of ids) await knex(table).where({ id }).first();
    };
    let n = 0;
    const request = (route: string, ids: number[]) =>
      requests.run({ id: `r${++n}`, method: 'GET', route, startTime: performance.now() }, () => handler(ids));
    try {
      await Promise.all([
        request('/orders/:id/lines', [1, 2, 3, 4, 5]),
        request('/orders/:id/lines', [6, 7, 8, 9, 10, 11]),
        request('/orders/:id', [1, 2]),
      ]);
      await perf.flush();
    } finally {
      unregister();
      await perf.close();
    }
    const found = audit.report().findings.filter((f) => f.rule === 'db.n-plus-one');
    expect(found).toHaveLength(1);
    expect(found[0]?.key).toContain('GET /orders/:id/lines');
    expect(found[0]?.occurrences).toBe(2);
    expect(found[0]?.evidence.attributes?.['http.route']).toBe('/orders/:id/lines');
    expect(found[0]?.evidence.stack?.[0]).toContain('scopes.test.ts');
  });

  it('expectQueries passes a batched load and fails an N+1 with the queries listed', async () => {
    const batched = await expectQueries(knex, async () => {
      await knex(table).whereIn('id', [1, 2, 3]);
    });
    batched
      .toBeAtMost(1)
      .toHaveNoNPlusOne()
      .toMatchFingerprints([knex(table).whereIn('id', [9, 8]).toSQL().sql]);
    expect(batched).toHaveAtMostQueries(1);
    expect(batched).toHaveNoNPlusOne();

    const loop = await expectQueries(knex, async () => {
      for (let id = 1; id <= 6; id++) await knex(table).where({ id }).first();
    });
    expect(() => loop.toBeAtMost(2)).toThrow(
      /expected at most 2 queries, but 6 ran:\n.*SELECT \* FROM \S+ WHERE id = \? LIMIT \?/,
    );
    expect(() => loop.toHaveNoNPlusOne()).toThrow(/db\.n-plus-one: N\+1 queries/);
    expect(() => loop.toMatchFingerprints([])).toThrow(/unexpected: [0-9a-f]{12}/);
    expect(loop).not.toHaveNoNPlusOne();
    expect(loop).not.toHaveAtMostQueries(5);
    expect(loop).toMatchFingerprints([knex(table).where({ id: 1 }).first().toSQL().sql]);
  });

  it('expectQueries counts only its own async context', async () => {
    let stop = false;
    const background = (async () => {
      while (!stop) await knex(table).where({ id: 1 }).first();
    })();
    const seen = await expectQueries(knex, async () => {
      await knex(table).where({ id: 2 }).first();
      await knex(table).where({ id: 3 }).first();
    });
    stop = true;
    await background;
    expect(seen.queries).toHaveLength(2);
  });

  it('suppresses findings by fingerprint and by call site', async () => {
    const audit = createAudit({ subject: 'suppress' });
    const perf = knexPerf(knex, { audit, explain: false, suppress: { callSites: ['scopes.test.ts'] } });
    await perf.scope('loop', async () => {
      for (let id = 1; id <= 6; id++) await knex(table).where({ id }).first();
    });
    await perf.close();
    expect(audit.report().findings.filter((f) => f.rule === 'db.n-plus-one')).toEqual([]);
  });

  it('close() removes every listener and patch', async () => {
    // Every listener and patch knexPerf installs, as seen from outside.
    const installed = () => ({
      query: knex.listenerCount('query'),
      response: knex.listenerCount('query-response'),
      error: knex.listenerCount('query-error'),
      qb: Object.hasOwn(knex.client, 'queryBuilder'),
      raw: Object.hasOwn(knex.client, 'raw'),
      acquire: Object.hasOwn(knex.client, 'acquireConnection'),
      release: Object.hasOwn(knex.client, 'releaseConnection'),
      transaction: (knex as unknown as { context: { transaction: unknown } }).context.transaction,
    });
    const before = installed();
    const pool = knex.client.pool as { emitter: { listenerCount(e: string): number } };
    const poolBefore = pool.emitter.listenerCount('acquireFail');
    const audit = createAudit({ subject: 'close' });
    const perf = knexPerf(knex, { audit });
    expect(knex.listenerCount('query')).toBe(before.query + 1);
    expect(pool.emitter.listenerCount('acquireFail')).toBe(poolBefore + 1);
    expect(Object.hasOwn(knex.client, 'acquireConnection')).toBe(true);
    await knex(table).where({ id: 1 }).first();
    await perf.close();
    await perf.close();
    expect(installed()).toEqual(before);
    expect(pool.emitter.listenerCount('acquireFail')).toBe(poolBefore);
    // Queries after close are not recorded.
    const count = () =>
      audit.report().metrics.find((m) => m.name === 'db.client.operation.duration' && m.kind === 'histogram');
    const n = (count() as { count: number }).count;
    await knex(table).where({ id: 2 }).first();
    expect((count() as { count: number }).count).toBe(n);
  });
});

describe.skipIf(!pg.available)('bounded pending map (PostgreSQL)', () => {
  it('evicts the oldest started query when maxPending is reached, and counts it', async () => {
    const knex = pg.make({ pool: { min: 0, max: 3 } });
    const audit = createAudit({ subject: 'pending' });
    const perf = knexPerf(knex, { audit, explain: false, maxPending: 1 });
    try {
      await Promise.all([knex.raw('select pg_sleep(0.05)'), knex.raw('select pg_sleep(0.05)')]);
    } finally {
      await perf.close();
      await knex.destroy();
    }
    const evicted = audit.report().metrics.find((m) => m.name === 'db.client.queries.evicted');
    expect(evicted).toMatchObject({ value: 1 });
  });
});
