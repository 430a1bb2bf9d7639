// Query time under CPU starvation, on the three engines: a process whose event loop waits for a core reads
// point lookups as tens of ms on the client. That wait is the loop's, not the database's: the lookups must not
// be slow queries, a deliberately slow statement must still be one, and both numbers stay in the report.
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AuditReport, type Metric, parseReport } from '@perf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contend } from '../../../test-support/cpuContention.js';
import { bundleFixture } from '../../../test-support/fixtureBundle.js';
import { createOrders, type Engine, type EngineName, engine, uniqueTable } from './engines.js';

const PKG = fileURLToPath(new URL('..', import.meta.url));
const linux = process.platform === 'linux';
if (!linux) console.warn('\n[perf-audit tests] SKIPPING the starved-query suite: it needs Linux schedstat\n');

let bundle: Awaited<ReturnType<typeof bundleFixture>> | undefined;
beforeAll(async () => {
  if (linux) bundle = await bundleFixture(PKG, 'starvedQueries', ['knex', 'better-sqlite3', 'mysql2', 'pg']);
});
afterAll(() => bundle?.remove());

/** Runs the child starved by 4 busy loops on its core; answers its report (undefined: no cgroups, skipped). */
function runStarved(name: EngineName, table: string, file: string): Promise<AuditReport | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle!.path, name, table, file], {
      cwd: PKG,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let busy: ReturnType<typeof contend>;
    let skipped = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (busy === undefined && !skipped && out.startsWith('ready\n')) {
        busy = contend(child.pid!, 20);
        skipped = !busy;
      }
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('close', (code) => {
      clearTimeout(killer);
      busy?.stop();
      if (skipped) return resolve(undefined);
      try {
        resolve(parseReport(JSON.parse(out.trim().split('\n').pop() ?? '')));
      } catch (e) {
        reject(new Error(`child printed no report (code ${code}): ${out.slice(-2000)} ${e}`));
      }
    });
  });
}

const histogramOf = (r: AuditReport, name: string, table: string): Extract<Metric, { kind: 'histogram' }> => {
  const m = r.metrics.find(
    (x) =>
      x.name === name &&
      x.attributes['db.collection.name'] === table &&
      x.attributes['db.operation.name'] === 'SELECT',
  );
  if (m?.kind !== 'histogram') throw new Error(`no ${name} for ${table}`);
  return m;
};

describe.runIf(linux).each(['sqlite', 'mariadb', 'postgresql'] as const)(
  '%s under CPU starvation',
  (name) => {
    let db: Engine;
    const table = uniqueTable('starved');
    const file = join(tmpdir(), `perf-db-starved-${process.pid}.sqlite`);

    beforeAll(async () => {
      db = await engine(name);
      if (!db.available) return;
      const knex = name === 'sqlite' ? db.make({ connection: { filename: file } }) : db.make();
      await createOrders(knex, table, 2000);
      await knex.destroy();
    });
    afterAll(async () => {
      if (!db?.available) return;
      const knex = name === 'sqlite' ? db.make({ connection: { filename: file } }) : db.make();
      await knex.schema.dropTableIfExists(table);
      await knex.destroy();
    });

    it('point lookups are not slow queries; the slow statement is; client and own time are both kept', async () => {
      if (!db.available) return;
      const r = await runStarved(name, table, file);
      if (!r) return;
      const detail = r.findings
        .map((f) => `${f.rule} [${f.key.slice(0, 60)}]: ${f.title} ${JSON.stringify(f.evidence.details)}`)
        .join('\n');
      const starved = r.findings.find((f) => f.rule === 'node.cpu-starved');
      expect(starved, detail).toBeDefined();
      expect(
        r.findings.map((f) => f.rule),
        detail,
      ).not.toContain('node.event-loop-off-cpu');

      const lookup = histogramOf(r, 'db.client.operation.duration', table);
      const lookupWall = histogramOf(r, 'db.client.operation.wall_duration', table);
      const fp = lookup.attributes['db.query.fingerprint'];
      const slow = r.findings.filter((f) => f.rule === 'db.slow-query');
      expect(
        slow.map((f) => f.key),
        detail,
      ).not.toContain(fp);
      expect(lookup.count).toBe(lookupWall.count);
      expect(lookup.count).toBeGreaterThan(20);
      // The loop's wait is subtracted, and kept: the wall histogram is the client's own view.
      // better-sqlite3 runs each statement on the loop, so there the loop's lateness is the query: nothing subtracted.
      if (name === 'sqlite') expect(lookupWall.sum).toBe(lookup.sum);
      else expect(lookupWall.sum).toBeGreaterThan(lookup.sum);

      const deliberate = slow.filter((f) => f.key !== fp);
      expect(deliberate.length, detail).toBe(1);
      expect(deliberate[0]!.evidence.details?.durationMs as number).toBeGreaterThan(100);
    });
  },
);
