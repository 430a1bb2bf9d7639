import { type AuditReport, createAudit, type Finding, type HistogramMetric } from '@perf/core';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintSql, knexPerf, UNCONTENDED_STRIDE } from '../src/index.js';
import { createOrders, type EngineName, engine, uniqueTable } from './engines.js';

const SECRET = 'S3CRET-7f1d2c';

const findings = (report: AuditReport, rule: string): Finding[] =>
  report.findings.filter((f) => f.rule === rule);
const histograms = (report: AuditReport, name: string) =>
  report.metrics.filter((m): m is HistogramMetric => m.name === name && m.kind === 'histogram');

for (const name of ['sqlite', 'mariadb', 'postgresql'] as EngineName[]) {
  const eng = await engine(name);
  const dialect = name === 'postgresql' ? 'postgresql' : name === 'mariadb' ? 'mysql' : 'sqlite';

  describe.skipIf(!eng.available)(`knexPerf on ${name}`, () => {
    let knex: Knex;
    const table = uniqueTable('orders');
    const big = uniqueTable('big');
    const fresh = (options: Partial<Parameters<typeof knexPerf>[1]> = {}) => {
      const audit = createAudit({ subject: `db-${name}` });
      const perf = knexPerf(knex, { explain: false, ...options, audit });
      return { audit, perf };
    };

    beforeAll(async () => {
      knex = eng.make();
      await createOrders(knex, table, 50);
      await createOrders(knex, big, name === 'postgresql' ? 20_000 : 2_000);
      if (name === 'postgresql') await knex.raw(`ANALYZE ${big}`);
      if (name === 'mariadb') await knex.raw(`ANALYZE TABLE ${big}`);
    });

    afterAll(async () => {
      await knex.schema.dropTableIfExists(table);
      await knex.schema.dropTableIfExists(big);
      await knex.destroy();
    });

    it('times each fingerprint and counts its rows, with the normalized SQL and no values', async () => {
      const { audit, perf } = fresh();
      for (const id of [1, 2, 3]) await knex(table).where({ id }).first();
      await knex(table).where('user_id', '<', 10);
      await perf.close();
      const report = audit.report();
      const byId = fingerprintSql(knex(table).where({ id: 1 }).first().toSQL().toNative().sql, dialect);
      const durations = histograms(report, 'db.client.operation.duration');
      const point = durations.find((m) => m.attributes['db.query.fingerprint'] === byId.fingerprint);
      expect(point?.count).toBe(3);
      expect(point?.attributes).toMatchObject({
        'db.system.name': name === 'mariadb' ? 'mysql' : name,
        'db.operation.name': 'SELECT',
        'db.collection.name': table,
        'db.query.text': `SELECT * FROM ${table} WHERE id = ? LIMIT ?`,
      });
      const rows = histograms(report, 'db.client.response.returned_rows');
      expect(rows.find((m) => m.attributes['db.query.fingerprint'] === byId.fingerprint)).toMatchObject({
        count: 3,
        sum: 3,
      });
      const range = rows.find((m) => String(m.attributes['db.query.text']).includes('user_id < ?'));
      expect(range?.sum).toBe(10);
    });

    it('finds an N+1 in a loop, names the count, the SQL and the app call site', async () => {
      const { audit, perf } = fresh();
      await perf.scope('load orders', async () => {
        for (let id = 1; id <= 6; id++) await knex(table).where({ id }).first();
      });
      await perf.close();
      const [f] = findings(audit.report(), 'db.n-plus-one');
      expect(f?.evidence.details).toMatchObject({ count: 6, scope: 'load orders', scopeKind: 'explicit' });
      expect(f?.key).toContain('load orders');
      expect(f?.evidence.samples?.[0]).toBe(`SELECT * FROM ${table} WHERE id = ? LIMIT ?`);
      expect(f?.evidence.stack?.[0]).toContain('integration.test.ts');
    });

    it('finds an N+1 under Promise.all', async () => {
      const { audit, perf } = fresh();
      await perf.scope('parallel', () =>
        Promise.all([1, 2, 3, 4, 5, 6, 7].map((id) => knex(table).where({ id }).first())),
      );
      await perf.close();
      const [f] = findings(audit.report(), 'db.n-plus-one');
      expect(f?.evidence.details).toMatchObject({ count: 7, scope: 'parallel' });
    });

    it('stays quiet for a batched whereIn and for repeats below the threshold', async () => {
      const { audit, perf } = fresh();
      await perf.scope('batched', async () => {
        await knex(table).whereIn('id', [1, 2, 3, 4, 5, 6, 7, 8]);
        for (let id = 1; id <= 4; id++) await knex(table).where({ id }).first();
      });
      await perf.close();
      expect(findings(audit.report(), 'db.n-plus-one')).toEqual([]);
    });

    it('scopes a transaction: N+1 inside it, its duration and statements per transaction', async () => {
      const { audit, perf } = fresh();
      await knex.transaction(async (trx) => {
        for (let id = 1; id <= 5; id++) await trx(table).where({ id }).first();
      });
      await knex
        .transaction(async (trx) => {
          await trx(table).where({ id: 1 }).update({ status: 'x' });
          throw new Error('roll back');
        })
        .catch(() => undefined);
      await perf.close();
      const report = audit.report();
      const [f] = findings(report, 'db.n-plus-one');
      expect(f?.evidence.details).toMatchObject({ count: 5, scopeKind: 'transaction' });
      const tx = histograms(report, 'db.client.transaction.duration');
      expect(tx.map((m) => m.attributes['db.transaction.outcome']).sort()).toEqual(['commit', 'rollback']);
      const perTx = histograms(report, 'db.client.transaction.queries')[0];
      expect(perTx).toMatchObject({ count: 2, sum: 6, max: 5 });
    });

    it('finds N+1 writes (single-row inserts in a loop) but not one bulk insert', async () => {
      const { audit, perf } = fresh();
      await perf.scope('import', async () => {
        for (let i = 0; i < 6; i++)
          await knex(table).insert({ user_id: 900, status: 'new', email: `n${i}@x` });
        await knex(table).insert(
          Array.from({ length: 6 }, (_, i) => ({ user_id: 901, status: 'new', email: `b${i}@x` })),
        );
      });
      await perf.close();
      const writes = findings(audit.report(), 'db.n-plus-one-write');
      expect(writes).toHaveLength(1);
      expect(writes[0]?.evidence.details).toMatchObject({ count: 6 });
      expect(writes[0]?.recommendation).toMatch(/multi-row/);
      await knex(table).whereIn('user_id', [900, 901]).del();
    });

    it('reports a slow query with its p95 and an unbounded SELECT, never the bound values', async () => {
      const { audit, perf } = fresh({ slowQueryMs: name === 'sqlite' ? 0 : 50, unboundedRows: 1000 });
      if (name === 'postgresql') await knex.raw('select pg_sleep(0.06), ? as secret', [SECRET]);
      else if (name === 'mariadb') await knex.raw('select sleep(0.06), ? as secret', [SECRET]);
      else await knex.raw('select ? as secret', [SECRET]);
      await knex(big).select('id');
      await knex(big).select('id').limit(1500);
      await knex(table).where({ email: SECRET }).first();
      await knex.raw(`select * from ${table} where email = '${SECRET}'`);
      await perf.close();
      const report = audit.report();
      const slow = findings(report, 'db.slow-query').find((f) =>
        String(f.evidence.samples?.[0]).includes('AS secret'),
      );
      expect(slow?.evidence.details?.durationMs).toBeGreaterThan(name === 'sqlite' ? 0 : 50);
      expect(slow?.evidence.details?.p95Ms).toBeTypeOf('number');
      const unbounded = findings(report, 'db.unbounded-result');
      expect(unbounded).toHaveLength(1);
      expect(unbounded[0]?.evidence.details?.rows).toBe(name === 'postgresql' ? 20_000 : 2_000);
      expect(JSON.stringify(report)).not.toContain(SECRET);
    });

    it('advises a missing index from EXPLAIN, and stops once the index exists', async () => {
      const query = () => knex(big).where({ user_id: 7, status: 'open' }).select('id');
      const first = fresh({ explain: { minTableRows: 1000 } });
      await query();
      await first.perf.flush();
      await first.perf.close();
      const [f] = findings(first.audit.report(), 'db.missing-index');
      expect(f?.evidence.details).toMatchObject({ table: big, columns: ['user_id', 'status'] });
      const create = String(f?.evidence.details?.createIndex);
      expect(create).toMatch(new RegExp(`^CREATE INDEX \\S+ ON ${big} \\(user_id, status\\);$`));
      await knex.raw(create);
      if (name === 'postgresql') await knex.raw(`ANALYZE ${big}`);
      const second = fresh({ explain: { minTableRows: 1000 } });
      await query();
      await second.perf.flush();
      await second.perf.close();
      expect(findings(second.audit.report(), 'db.missing-index')).toEqual([]);
      // The EXPLAIN ran off the app's books: no metric for an EXPLAIN statement.
      const texts = second.audit.report().metrics.map((m) => String(m.attributes['db.query.text'] ?? ''));
      expect(texts.some((t) => /EXPLAIN/i.test(t))).toBe(false);
    });

    it('measures the pool wait and reports the classic deadlock: a query outside its transaction', async () => {
      const small = eng.make({ pool: { min: 0, max: 1 }, acquireConnectionTimeout: 400 });
      const audit = createAudit({ subject: 'pool' });
      const perf = knexPerf(small, { audit, explain: false });
      // One connection: the second query waits for the first, which holds it for 100 ms where it can sleep.
      const hold =
        name === 'postgresql'
          ? small.raw('select pg_sleep(0.1)')
          : name === 'mariadb'
            ? small.raw('select sleep(0.1)')
            : small(table).where({ id: 1 }).first();
      await Promise.all([hold, small(table).where({ id: 2 }).first()]);
      const error = await small
        .transaction(async (trx) => {
          await trx(table).where({ id: 1 }).first();
          await small(table).where({ id: 2 }).first();
        })
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(error?.message).toMatch(/Timeout acquiring a connection/);
      await perf.close();
      await small.destroy();
      const report = audit.report();
      const wait = histograms(report, 'db.client.connection.wait_time')[0];
      expect(wait?.count).toBeGreaterThanOrEqual(4);
      // A lower bound set by the sleep, not a speed target: the wait covers the time the holder kept the connection.
      expect(wait?.max).toBeGreaterThanOrEqual(name === 'sqlite' ? 0 : 50);
      const [f] = findings(report, 'db.pool-exhausted');
      expect(f?.severity).toBe('critical');
      expect(f?.evidence.details).toMatchObject({ deadlock: true, requesterInTransaction: true, poolMax: 1 });
      expect(f?.evidence.stack?.[0]).toContain('integration.test.ts');
      const timeouts = report.metrics.find((m) => m.name === 'db.client.connection.timeouts');
      expect(timeouts).toMatchObject({ value: 1 });
      const used = report.metrics.find(
        (m) =>
          m.name === 'db.client.connection.count' && m.attributes['db.client.connection.state'] === 'used',
      );
      expect(used).toMatchObject({ max: 1 });
    });

    it('times uncontended acquires one in 16 with weight 16, so wait and use counts stay the acquire count', async () => {
      const pooled = eng.make({ pool: { min: 0, max: 2 } });
      const audit = createAudit({ subject: 'pool-sampling' });
      const perf = knexPerf(pooled, { audit, explain: false });
      for (let i = 0; i < 96; i++)
        await pooled(table)
          .where({ id: (i % 5) + 1 })
          .first();
      await perf.close();
      await pooled.destroy();
      const report = audit.report();
      const wait = histograms(report, 'db.client.connection.wait_time')[0];
      const use = histograms(report, 'db.client.connection.use_time')[0];
      // 96 acquires: the first creates a connection (contended: timed alone), then one in 16 stands for 16.
      expect(Math.abs((wait?.count ?? 0) - 96)).toBeLessThanOrEqual(UNCONTENDED_STRIDE);
      expect(Math.abs((use?.count ?? 0) - 96)).toBeLessThanOrEqual(UNCONTENDED_STRIDE);
    });

    it('suggests running independent sequential SELECTs in parallel, not dependent ones (never on SQLite)', async () => {
      const { audit, perf } = fresh({ sequentialMinTotalMs: 0 });
      await perf.scope('dashboard', async () => {
        await knex(table).where({ id: 1 }).first();
        await knex(table).where({ status: 'closed' }).count({ n: '*' });
        await knex(table).where('user_id', '>', 3).select('email').limit(5);
      });
      await perf.scope('chain', async () => {
        const a = await knex(table).where({ id: 1 }).first();
        const b = await knex(table)
          .where({ id: a.user_id + 1 })
          .select('user_id')
          .first();
        await knex(table).where({ user_id: b.user_id }).select('id').limit(1);
      });
      await perf.close();
      const seq = findings(audit.report(), 'db.sequential-queries');
      // SQLite runs statements one at a time in-process: parallel queries cannot help, so no finding there.
      expect(seq.map((f) => f.key.split(' ')[0])).toEqual(name === 'sqlite' ? [] : ['dashboard']);
      if (name !== 'sqlite') expect(seq[0]?.evidence.samples).toHaveLength(3);
    });
  });
}
