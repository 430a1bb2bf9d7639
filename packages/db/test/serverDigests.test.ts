import { type AuditReport, createAudit, getReporter } from '@perf/core';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCI } from '../../../test-support/services.js';
import {
  fingerprintSql,
  knexPerf,
  readStatementDigests,
  type StatementDigest,
  serverTimeByFingerprint,
} from '../src/index.js';
import { digestToSql } from '../src/serverDigests.js';
import { createOrders, engine, uniqueTable } from './engines.js';
import { type PrivateMariadb, privateMariadbAvailable, startPrivateMariadb } from './privateMariadb.js';
import { findings, gauge } from './reportQueries.js';

const SECRET = 'S3CRET-digest-91c';

const markdown = (report: AuditReport) => getReporter('md').render(report);

describe('digestToSql', () => {
  const fp = (sql: string) => fingerprintSql(sql, 'mysql').fingerprint;
  it('rebuilds the lists MariaDB and MySQL collapse, so digests fingerprint like client SQL', () => {
    // Digest texts as the servers write them (MariaDB 10.11 seen here; MySQL 8 uses the same list forms).
    expect(fp(digestToSql('SELECT * FROM `x` WHERE `a` = ? '))).toBe(fp('select * from `x` where `a` = ?'));
    expect(fp(digestToSql('INSERT INTO `x` ( `a` , `b` ) VALUES (...) /* , ... */ '))).toBe(
      fp('insert into `x` (`a`, `b`) values (?, ?), (?, ?), (?, ?)'),
    );
    expect(fp(digestToSql('INSERT INTO `x` ( `a` , `b` ) VALUES (...) '))).toBe(
      fp('insert into `x` (`a`, `b`) values (?, ?)'),
    );
    expect(fp(digestToSql('SELECT * FROM `x` WHERE `id` IN (...) '))).toBe(
      fp('select * from `x` where `id` in (?, ?, ?)'),
    );
    expect(fp(digestToSql('INSERT INTO `x` VALUES (?) /* , ... */ '))).toBe(
      fp('insert into `x` values (?), (?)'),
    );
    expect(fp(digestToSql('SELECT * FROM `x` WHERE `a` = ? '))).not.toBe(
      fp('select * from `x` where `b` = ?'),
    );
  });
});

const canStart = await privateMariadbAvailable();

describe.skipIf(!canStart)(
  'server view on a private MariaDB started as MariaDB ships (performance_schema OFF)',
  () => {
    let server: PrivateMariadb;
    let knex: Knex;
    beforeAll(async () => {
      server = await startPrivateMariadb({ performanceSchema: false });
      knex = knexFactory({
        client: 'mysql2',
        connection: { host: '127.0.0.1', port: server.port, user: 'root' },
        pool: { min: 0, max: 2 },
      });
    }, 60_000);
    afterAll(async () => {
      await knex?.destroy();
      await server?.stop();
    });

    it('returns enabled:false with a clear reason and shows it in the report', async () => {
      const [[row]] = (await knex.raw('SELECT @@performance_schema AS ps')) as [[{ ps: number }]];
      expect(row.ps).toBe(0);
      const audit = createAudit({ subject: 'digests-off' });
      const result = await readStatementDigests(knex, { audit, system: 'mariadb' });
      expect(result).toEqual({
        enabled: false,
        reason: expect.stringContaining(
          'performance_schema is OFF on this server; it is not dynamic: set performance_schema=ON in the server config and restart',
        ),
      });
      const report = audit.report();
      const [f] = findings(report, 'db.server-view-unavailable');
      expect(f).toMatchObject({ severity: 'info', area: 'database', key: 'performance_schema is OFF' });
      expect(f?.recommendation).toContain('restart');
      // Not a fault: a server without digests is a setting, not a profiler error.
      expect(report.diagnostics.collectorErrors).toEqual([]);
      // The markdown reporter escapes underscores; read it as text.
      const md = markdown(report).replace(/\\_/g, '_');
      expect(md).toContain('Server statement digests unavailable on mariadb: performance_schema is OFF');
      expect(md).toContain('it is not dynamic');
      expect(serverTimeByFingerprint(result).size).toBe(0);
    });

    it('answers the same through the knexPerf handle', async () => {
      const audit = createAudit({ subject: 'digests-off-handle' });
      const perf = knexPerf(knex, { audit, explain: false });
      const result = await perf.statementDigests();
      await perf.close();
      expect(result.enabled).toBe(false);
      expect(findings(audit.report(), 'db.server-view-unavailable')).toHaveLength(1);
    });
  },
);

const shared = await engine('mariadb');

describe.skipIf(!shared.available)('server view on the shared MariaDB', () => {
  let knex: Knex;
  beforeAll(() => {
    knex = shared.make();
  });
  afterAll(async () => {
    await knex.destroy();
  });

  it('reads through the knexPerf handle on its own connection (not counted as app queries)', async () => {
    // .ci/run restarts the shared server with performance_schema ON; a local one may still be OFF.
    const [[row]] = (await knex.raw('SELECT @@performance_schema AS ps')) as [[{ ps: number }]];
    if (isCI) expect(row.ps, 'CI=true: .ci/run turns performance_schema ON').toBe(1);
    const audit = createAudit({ subject: 'digests-shared-handle' });
    const perf = knexPerf(knex, { audit, explain: false });
    await knex.raw('SELECT 1');
    const result = await perf.statementDigests();
    await perf.close();
    expect(result.enabled).toBe(row.ps === 1);
    const report = audit.report();
    expect(findings(report, 'db.server-view-unavailable')).toHaveLength(row.ps === 1 ? 0 : 1);
    const texts = report.metrics
      .filter((m) => m.name === 'db.client.operation.duration')
      .map((m) => String(m.attributes['db.query.fingerprint']));
    expect(texts).toEqual([fingerprintSql('SELECT 1', 'mysql').fingerprint]);
    expect(report.diagnostics.collectorErrors).toEqual([]);
  });

  it('turns an unreachable server into a reason and a counted fault, never an exception', async () => {
    const dead = knexFactory({
      client: 'mysql2',
      connection: { host: '127.0.0.1', port: 1, user: 'root', connectTimeout: 1000 },
      acquireConnectionTimeout: 2000,
    });
    const audit = createAudit({ subject: 'digests-dead' });
    try {
      const result = await readStatementDigests(dead, { audit });
      expect(result.enabled).toBe(false);
      expect(result.enabled === false && result.reason).toMatch(/reading the server view failed/);
      const errors = audit.report().diagnostics.collectorErrors;
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ collector: '@perf/db', count: 1 });
    } finally {
      await dead.destroy();
    }
  });
});

const sqlite = await engine('sqlite');
describe.skipIf(!sqlite.available)('server view on SQLite', () => {
  it('says which engines have a server view', async () => {
    const knex = sqlite.make();
    const audit = createAudit({ subject: 'digests-sqlite' });
    try {
      const result = await readStatementDigests(knex, { audit });
      expect(result).toEqual({
        enabled: false,
        reason: expect.stringContaining('this knex client is sqlite'),
      });
      expect(findings(audit.report(), 'db.server-view-unavailable')[0]?.key).toBe('no server view');
    } finally {
      await knex.destroy();
    }
  });
});

describe.skipIf(!canStart)('server view on a private MariaDB with performance_schema ON', () => {
  const ROWS = 3000;
  const SCANS = 6;
  let server: PrivateMariadb;
  let knex: Knex;
  const table = uniqueTable('digest');

  beforeAll(async () => {
    server = await startPrivateMariadb();
    const admin = knexFactory({
      client: 'mysql2',
      connection: { host: '127.0.0.1', port: server.port, user: 'root' },
    });
    try {
      await admin.raw('CREATE DATABASE perfdigest');
    } finally {
      await admin.destroy();
    }
    knex = knexFactory({
      client: 'mysql2',
      connection: { host: '127.0.0.1', port: server.port, user: 'root', database: 'perfdigest' },
      pool: { min: 0, max: 4 },
    });
    await createOrders(knex, table, ROWS);
    // Start from a clean digest table, so the counts below are the test's own.
    await knex.raw('TRUNCATE TABLE performance_schema.events_statements_summary_by_digest');
  }, 60_000);

  afterAll(async () => {
    await knex?.destroy();
    await server?.stop();
  });

  /** The app's statements: a repeated full scan (email has no index), point reads, an IN list, bulk inserts. */
  const runWorkload = async () => {
    for (let i = 0; i < SCANS; i++) {
      const email = i === 0 ? `${SECRET}@example.com` : `u${i * 7}@example.com`;
      await knex(table).where({ email }).select('id', 'status');
    }
    for (const id of [1, 2, 3]) await knex(table).where({ id }).first();
    await knex(table).whereIn('id', [4, 5, 6, 7]);
    await knex(table).insert({ user_id: 1, status: 'new', email: 'one@new.test' });
    for (const n of [2, 3]) {
      await knex(table).insert(
        Array.from({ length: n }, (_, j) => ({ user_id: j, status: 'new', email: `n${j}@new.test` })),
      );
    }
  };

  it('reads the digests, joins them to client fingerprints and flags the scan that used no index', async () => {
    const audit = createAudit({ subject: 'digests-on' });
    const perf = knexPerf(knex, { audit, explain: false, system: 'mariadb' });
    await runWorkload();
    const result = await perf.statementDigests();
    await perf.close();
    if (!result.enabled) throw new Error(`expected digests, got: ${result.reason}`);
    expect(result.schema).toBe('perfdigest');

    const scanFp = fingerprintSql(
      knex(table).where({ email: 'x' }).select('id', 'status').toSQL().toNative().sql,
      'mysql',
    ).fingerprint;
    const pointFp = fingerprintSql(knex(table).where({ id: 1 }).first().toSQL().toNative().sql, 'mysql');
    const inFp = fingerprintSql(knex(table).whereIn('id', [1, 2]).toSQL().toNative().sql, 'mysql');
    const bulkFp = fingerprintSql(
      knex(table)
        .insert([
          { user_id: 1, status: 'a', email: 'b' },
          { user_id: 2, status: 'a', email: 'b' },
        ])
        .toSQL()
        .toNative().sql,
      'mysql',
    );
    const digests = result.digests as StatementDigest[];
    expect(digests.every((d) => d.source === 'performance_schema')).toBe(true);
    const byFp = new Map(digests.map((d) => [d.fingerprint, d]));

    const scan = byFp.get(scanFp);
    expect(scan, `digests: ${result.digests.map((d) => d.text).join(' | ')}`).toBeDefined();
    expect(scan).toMatchObject({
      operation: 'SELECT',
      table,
      schema: 'perfdigest',
      count: SCANS,
      rowsExamined: SCANS * ROWS,
      noIndexUsed: SCANS,
    });
    // u0..: email i*7 exists once; the secret matches nothing.
    expect(scan?.rowsSent).toBe(SCANS - 1);
    expect(scan!.totalMs).toBeGreaterThan(0);
    expect(scan!.maxMs).toBeGreaterThan(0);
    expect(scan!.maxMs).toBeLessThanOrEqual(scan!.totalMs);
    expect(scan!.meanMs).toBeCloseTo(scan!.totalMs / SCANS, 2);
    // meanMs is totalMs / count there, the server's own average here: equal up to rounding.
    expect(serverTimeByFingerprint(result).get(scanFp)).toMatchObject({
      count: SCANS,
      totalMs: scan!.totalMs,
      maxMs: scan!.maxMs,
    });
    expect(serverTimeByFingerprint(result).get(scanFp)!.meanMs).toBeCloseTo(scan!.meanMs, 2);

    expect(byFp.get(pointFp.fingerprint)).toMatchObject({ count: 3, noIndexUsed: 0, rowsSent: 3 });
    expect(byFp.get(inFp.fingerprint)).toMatchObject({ count: 1, noIndexUsed: 0 });
    // MariaDB writes a multi-row VALUES list as `(...) /* , ... */`: it still joins the client's bulk insert.
    expect(byFp.get(bulkFp.fingerprint)).toMatchObject({ operation: 'INSERT', count: 2 });
    const singleFp = fingerprintSql(
      knex(table).insert({ user_id: 1, status: 'a', email: 'b' }).toSQL().toNative().sql,
      'mysql',
    );
    expect(byFp.get(singleFp.fingerprint)).toMatchObject({ operation: 'INSERT', count: 1 });
    // Heaviest first, and the profiler's own reads of performance_schema are not listed.
    const totals = result.digests.map((d) => d.totalMs);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    expect(result.digests.some((d) => /performance_schema/i.test(d.text))).toBe(false);

    const report = audit.report();
    // The join: the server series and the client series carry the same fingerprint.
    const client = report.metrics.find(
      (m) => m.name === 'db.client.operation.duration' && m.attributes['db.query.fingerprint'] === scanFp,
    );
    expect(client).toMatchObject({ kind: 'histogram', count: SCANS });
    expect(gauge(report, 'db.server.statement.executions', scanFp)).toMatchObject({
      value: SCANS,
      unit: '{statement}',
      area: 'database',
      attributes: { 'db.system.name': 'mariadb', 'db.namespace': 'perfdigest', 'db.collection.name': table },
    });
    expect(gauge(report, 'db.server.statement.time', scanFp)?.value).toBe(scan!.totalMs);
    expect(gauge(report, 'db.server.statement.mean_time', scanFp)?.unit).toBe('ms');
    expect(gauge(report, 'db.server.statement.rows_examined_per_sent', scanFp)?.value).toBe(
      (SCANS * ROWS) / (SCANS - 1),
    );
    // The plugin's own digest reads ran on its internal connection: not in the client-side series.
    expect(
      report.metrics.some(
        (m) => m.name === 'db.client.operation.duration' && /performance_schema/.test(JSON.stringify(m)),
      ),
    ).toBe(false);

    const noIndex = findings(report, 'db.server-no-index');
    expect(noIndex.map((f) => f.key)).toEqual([scanFp]);
    expect(noIndex[0]).toMatchObject({
      severity: 'warning',
      how: { method: 'exact', source: 'performance_schema.events_statements_summary_by_digest' },
      evidence: { details: { executions: SCANS, noIndexUsed: SCANS, rowsExamined: SCANS * ROWS } },
    });
    expect(noIndex[0]?.recommendation).toMatch(/index/i);
    expect(findings(report, 'db.server-view-unavailable')).toEqual([]);
    expect(report.diagnostics.collectorErrors).toEqual([]);
    const json = JSON.stringify(report);
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain('@example.com');
    expect(markdown(report)).toContain('No index used on');
  });

  it('honours limit and minCount through the standalone function', async () => {
    const audit = createAudit({ subject: 'digests-limits' });
    const all = await readStatementDigests(knex, { audit, minCount: SCANS });
    if (!all.enabled) throw new Error(all.reason);
    expect(all.digests.length).toBeGreaterThan(0);
    expect(all.digests.every((d) => d.count >= SCANS)).toBe(true);
    const one = await readStatementDigests(knex, { audit, limit: 1 });
    if (!one.enabled) throw new Error(one.reason);
    expect(one.digests).toHaveLength(1);
  });

  it('says which consumer to enable when statements_digest is off', async () => {
    await knex.raw(
      "UPDATE performance_schema.setup_consumers SET ENABLED = 'NO' WHERE NAME = 'statements_digest'",
    );
    const audit = createAudit({ subject: 'digests-consumer-off' });
    try {
      const result = await readStatementDigests(knex, { audit });
      expect(result).toEqual({
        enabled: false,
        reason: expect.stringContaining('statements_digest consumer is disabled'),
      });
      const [f] = findings(audit.report(), 'db.server-view-unavailable');
      expect(f?.recommendation).toContain("SET ENABLED = 'YES' WHERE NAME IN ('statements_digest')");
    } finally {
      await knex.raw(
        "UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME = 'statements_digest'",
      );
    }
  });
});
