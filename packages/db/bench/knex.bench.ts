/**
 * Overhead of knexPerf per query: SQLite in-memory point SELECTs (and MariaDB when reachable), bare vs with
 * the plugin vs with the plugin inside an N+1 scope (call-site capture on) vs the peer,
 * @opentelemetry/instrumentation-knex, interleaved rounds in one run.
 * Run: pnpm --filter @perf/db bench   (or: npx tsx packages/db/bench/knex.bench.ts)
 */
import { cpus, loadavg } from 'node:os';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { KnexInstrumentation } from '@opentelemetry/instrumentation-knex';
import { BasicTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createAudit } from '@perf/core';
import type { Knex } from 'knex';
import { type KnexPerf, knexPerf } from '../src/index.js';

// 'otel': the knex instrumentation with a recording tracer provider and the AsyncLocalStorage context manager
// (what NodeSDK registers), spans counted and dropped (no exporter). 'otel-noctx': the same without a context
// manager, the cheapest way to run it (spans then lose their parents).
type Mode = 'bare' | 'plugin' | 'plugin+scope' | 'otel' | 'otel-noctx';
const MODES: Mode[] = ['bare', 'plugin', 'plugin+scope', 'otel', 'otel-noctx'];

let spansEnded = 0;
const counting: SpanProcessor = {
  onStart() {},
  onEnd() {
    spansEnded++;
  },
  forceFlush: async () => {},
  shutdown: async () => {},
};
const tracerProvider = new BasicTracerProvider({ spanProcessors: [counting] });
trace.setGlobalTracerProvider(tracerProvider);
const contextManager = new AsyncLocalStorageContextManager();
// The instrumentation patches knex's files as they load: register it before knex is imported.
const otel = new KnexInstrumentation();
registerInstrumentations({ instrumentations: [otel], tracerProvider });
otel.disable();
const { default: knexFactory } = await import('knex');

async function pointQueries(knex: Knex, table: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await knex(table)
      .where({ id: (i % 1000) + 1 })
      .first();
}

interface Sample {
  wall: number;
  cpu: number;
}

/**
 * One knex instance per mode, as an app has: the plugin is installed once on its own instance (creating and
 * closing it every round measured a cold fingerprint cache and new histograms each time, and its restored
 * client methods turned the shared client object into a slow dictionary object for every mode).
 */
interface Instance {
  knex: Knex;
  table: string;
  perf: KnexPerf | undefined;
}

/** µs per query, wall clock and this process's CPU time (the latter is what the plugin adds on a busy box). */
async function round(inst: Instance, mode: Mode, n: number): Promise<Sample> {
  const { knex, table } = inst;
  const withOtel = mode.startsWith('otel');
  if (withOtel) otel.enable();
  if (mode === 'otel') context.setGlobalContextManager(contextManager.enable());
  const spans0 = spansEnded;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  // A scope per 20 queries, like a request doing 20 point reads (an N+1 each time: the worst case). Scopes
  // enter AsyncLocalStorage, which turns on Node 20's promise hooks for the whole process until close():
  // this mode's plugin lives for one round, so the other modes run without them.
  const scoped =
    mode === 'plugin+scope' ? knexPerf(knex, { audit: createAudit({ subject: 'bench' }) }) : undefined;
  if (scoped) {
    for (let i = 0; i < n / 20; i++) await scoped.scope('req', () => pointQueries(knex, table, 20));
  } else await pointQueries(knex, table, n);
  const cpu = process.cpuUsage(c0);
  const wall = ((performance.now() - t0) * 1000) / n;
  await scoped?.close();
  if (withOtel) {
    otel.disable();
    // Like knexPerf's close(): a used AsyncLocalStorage keeps Node 20's promise hooks on; turn them off.
    context.disable();
    if (spansEnded - spans0 < n) throw new Error(`${mode}: ${spansEnded - spans0} spans for ${n} queries`);
  }
  return { wall, cpu: (cpu.user + cpu.system) / n };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function bench(label: string, make: () => Knex, n: number, rounds: number): Promise<void> {
  const instances = {} as Record<Mode, Instance>;
  const audit = createAudit({ subject: 'bench' });
  for (const mode of MODES) {
    const knex = make();
    const table = `bench_${mode.replace(/\W/g, '_')}`;
    await knex.schema.dropTableIfExists(table);
    await knex.schema.createTable(table, (t) => {
      t.increments('id');
      t.string('name');
    });
    for (let i = 0; i < 1000; i += 250) {
      await knex(table).insert(Array.from({ length: 250 }, (_, j) => ({ name: `n${i + j}` })));
    }
    // Its own table per instance, so MariaDB's instances share no rows or page cache entries.
    instances[mode] = {
      knex,
      table,
      perf: mode.startsWith('plugin') ? knexPerf(knex, { audit }) : undefined,
    };
  }
  for (const mode of MODES) await round(instances[mode], mode, Math.min(n, 2000)); // warm-up
  const results = Object.fromEntries(MODES.map((m) => [m, [] as Sample[]])) as Record<Mode, Sample[]>;
  for (let r = 0; r < rounds; r++) {
    // Rotate the order every round so no mode always runs first or after the same one.
    const order = [...MODES.slice(r % MODES.length), ...MODES.slice(0, r % MODES.length)];
    for (const mode of order) results[mode].push(await round(instances[mode], mode, n));
  }
  const wall0 = median(results.bare.map((s) => s.wall));
  const cpu0 = median(results.bare.map((s) => s.cpu));
  console.log(
    `\n${label}: ${rounds} interleaved rounds × ${n} point SELECTs per mode (median of rounds; load ${loadavg()[0]!.toFixed(1)})`,
  );
  // Paired: each mode against bare of the same round (the load drifts between rounds more than within one).
  const paired = (mode: Mode, pick: (x: Sample) => number) =>
    median(results[mode].map((x, i) => pick(x) - pick(results.bare[i]!)));
  console.log(
    '| mode | wall µs/query | wall overhead µs (paired) | wall ratio | CPU µs/query | CPU overhead µs (paired) | CPU ratio |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const mode of MODES) {
    const w = median(results[mode].map((s) => s.wall));
    const c = median(results[mode].map((s) => s.cpu));
    const dw = paired(mode, (x) => x.wall);
    const dc = paired(mode, (x) => x.cpu);
    console.log(
      `| ${mode} | ${w.toFixed(2)} | ${dw.toFixed(2)} | ${((wall0 + dw) / wall0).toFixed(3)} | ${c.toFixed(2)} | ${dc.toFixed(2)} | ${((cpu0 + dc) / cpu0).toFixed(3)} |`,
    );
  }
  for (const mode of MODES) {
    const { knex, table, perf } = instances[mode];
    await perf?.close();
    await knex.schema.dropTableIfExists(table);
    await knex.destroy();
  }
}

console.log(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}, load ${loadavg()[0]!.toFixed(1)}`,
);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
// More rounds narrow the median: at ~1 µs of overhead on an 18 µs query, single rounds differ by ±0.5 µs.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
await bench(
  'SQLite (better-sqlite3, :memory:)',
  () =>
    knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true }),
  Math.round(20_000 * SCALE),
  ROUNDS,
);

const mariaConfig = { client: 'mysql2', connection: { host: '127.0.0.1', user: 'root', database: 'test' } };
const probe = knexFactory(mariaConfig);
let mariaUp = false;
try {
  await probe.raw('select 1');
  mariaUp = true;
} catch (err) {
  console.log(`\nMariaDB skipped: ${(err as Error).message}`);
} finally {
  await probe.destroy();
}
if (mariaUp)
  await bench(
    'MariaDB (mysql2, 127.0.0.1)',
    () => knexFactory(mariaConfig),
    Math.round(3000 * SCALE),
    Math.max(5, Math.round(ROUNDS / 2)),
  );
