/**
 * Overhead of knexPerf per query: SQLite in-memory point SELECTs (and MariaDB when reachable), bare vs with
 * the plugin vs with the plugin inside an N+1 scope (call-site capture on), interleaved rounds in one run.
 * Run: pnpm --filter @perf/db bench   (or: npx tsx packages/db/bench/knex.bench.ts)
 */
import { cpus } from 'node:os';
import { createAudit } from '@perf/core';
import knexFactory, { type Knex } from 'knex';
import { knexPerf } from '../src/index.js';

type Mode = 'bare' | 'plugin' | 'plugin+scope';
const MODES: Mode[] = ['bare', 'plugin', 'plugin+scope'];

async function pointQueries(knex: Knex, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await knex('bench_t')
      .where({ id: (i % 1000) + 1 })
      .first();
}

interface Sample {
  wall: number;
  cpu: number;
}

/** µs per query, wall clock and this process's CPU time (the latter is what the plugin adds on a busy box). */
async function round(knex: Knex, mode: Mode, n: number): Promise<Sample> {
  const audit = createAudit({ subject: 'bench' });
  const perf = mode === 'bare' ? undefined : knexPerf(knex, { audit });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  // A scope per 20 queries, like a request doing 20 point reads (an N+1 each time: the worst case).
  if (mode === 'plugin+scope' && perf) {
    for (let i = 0; i < n / 20; i++) await perf.scope('req', () => pointQueries(knex, 20));
  } else await pointQueries(knex, n);
  const cpu = process.cpuUsage(c0);
  const wall = ((performance.now() - t0) * 1000) / n;
  await perf?.close();
  return { wall, cpu: (cpu.user + cpu.system) / n };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function bench(label: string, knex: Knex, n: number, rounds: number): Promise<void> {
  await knex.schema.dropTableIfExists('bench_t');
  await knex.schema.createTable('bench_t', (t) => {
    t.increments('id');
    t.string('name');
  });
  for (let i = 0; i < 1000; i += 250) {
    await knex('bench_t').insert(Array.from({ length: 250 }, (_, j) => ({ name: `n${i + j}` })));
  }
  for (const mode of MODES) await round(knex, mode, Math.min(n, 2000)); // warm-up
  const results: Record<Mode, Sample[]> = { bare: [], plugin: [], 'plugin+scope': [] };
  for (let r = 0; r < rounds; r++) for (const mode of MODES) results[mode].push(await round(knex, mode, n));
  const wall0 = median(results.bare.map((s) => s.wall));
  const cpu0 = median(results.bare.map((s) => s.cpu));
  console.log(`\n${label}: ${rounds} interleaved rounds × ${n} point SELECTs per mode (median of rounds)`);
  console.log('| mode | wall µs/query | wall ratio | CPU µs/query | CPU overhead µs/query | CPU ratio |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const mode of MODES) {
    const w = median(results[mode].map((s) => s.wall));
    const c = median(results[mode].map((s) => s.cpu));
    console.log(
      `| ${mode} | ${w.toFixed(2)} | ${(w / wall0).toFixed(3)} | ${c.toFixed(2)} | ${(c - cpu0).toFixed(2)} | ${(c / cpu0).toFixed(3)} |`,
    );
  }
  await knex.schema.dropTableIfExists('bench_t');
}

console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
const sqlite = knexFactory({
  client: 'better-sqlite3',
  connection: { filename: ':memory:' },
  useNullAsDefault: true,
});
await bench('SQLite (better-sqlite3, :memory:)', sqlite, 20_000, 7);
await sqlite.destroy();

const maria = knexFactory({
  client: 'mysql2',
  connection: { host: '127.0.0.1', user: 'root', database: 'test' },
});
try {
  await maria.raw('select 1');
  await bench('MariaDB (mysql2, 127.0.0.1)', maria, 3000, 5);
} catch (err) {
  console.log(`\nMariaDB skipped: ${(err as Error).message}`);
} finally {
  await maria.destroy();
}
