/**
 * Overhead of job.batch on 10,000 tiny functions against a plain loop with the same concurrency (same run,
 * interleaved rounds, medians), and the CPU cost of the samplers at their default intervals.
 * Run: pnpm --filter @perf/ml bench   (builds first; or after `pnpm build`: npx tsx packages/ml/bench/batch.bench.ts)
 *
 * It measures the built package (dist/), which is what users run: tsx compiles src/ with esbuild's keepNames,
 * which adds an Object.defineProperty call for every closure a function creates.
 */
import { spawn } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { createAudit } from '@perf/core';
import {
  DEFAULT_SELF_INTERVAL_MS,
  DEFAULT_TREE_INTERVAL_MS,
  mlJob,
  ProcessTree,
  runJob,
  SelfSampler,
} from '../dist/index.js';

const N = 10_000;
const ROUNDS = Number(process.env.ROUNDS ?? 201);
/** Fresh processes each workload runs in; the report takes the median over them (see childRows). */
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 7);
const CHILD = process.env.ML_BENCH_CHILD === '1';
const tiny = (x: number) => x * 2 + 1;
const asyncTiny = async (x: number) => x * 2 + 1;

/** The baseline a user would write: a pool of `concurrency` workers over the items, results in order. */
async function plainLoop<I, R>(
  items: readonly I[],
  fn: (item: I, index: number) => R | Promise<R>,
  concurrency: number,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as I, i);
      } catch {
        // same shape as job.batch: a failing item does not stop the loop
      }
    }
  }
  const ws: Promise<void>[] = [];
  for (let w = 0; w < concurrency; w++) ws.push(worker());
  await Promise.all(ws);
  return results;
}

/**
 * A second copy of plainLoop, same source: V8 compiles each function on its own, and how well differs by a few
 * percent from process to process. plain vs this copy is the noise floor of the comparison.
 */
async function plainLoopCopy<I, R>(
  items: readonly I[],
  fn: (item: I, index: number) => R | Promise<R>,
  concurrency: number,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as I, i);
      } catch {
        // same shape as job.batch: a failing item does not stop the loop
      }
    }
  }
  const ws: Promise<void>[] = [];
  for (let w = 0; w < concurrency; w++) ws.push(worker());
  await Promise.all(ws);
  return results;
}

/** The same pool, taking synchronous results without an await, as job.batch does: equal semantics. */
async function plainLoopFast<I, R>(
  items: readonly I[],
  fn: (item: I, index: number) => R | Promise<R>,
  concurrency: number,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      try {
        const r = fn(items[i] as I, i);
        results[i] = r instanceof Promise ? await r : (r as R);
      } catch {
        // same shape as job.batch
      }
    }
  }
  const ws: Promise<void>[] = [];
  for (let w = 0; w < concurrency; w++) ws.push(worker());
  await Promise.all(ws);
  return results;
}

/**
 * For a synchronous function, what an app could write with no pool at all: a for loop over the items, a failing
 * item skipped. It is the floor for sync items: no promise, no microtask, the function inlined into the loop.
 */
function bareLoop<I, R>(items: readonly I[], fn: (item: I, index: number) => R): R[] {
  const results = new Array<R>(items.length);
  for (let i = 0; i < items.length; i++) {
    try {
      results[i] = fn(items[i] as I, i);
    } catch {
      // same shape as job.batch
    }
  }
  return results;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

/**
 * Wall time of one run, ms. A 10,000-item run takes ~0.4 ms, so a preemption by another process lands in
 * a few runs only, and the median of hundreds of paired ratios discards them; process.cpuUsage() was tried
 * and is worse here: it has 1 us steps and adds V8's compiler and GC helper threads, which run in bursts.
 */
async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** A small but real per-item function: a logistic response over 32 features (~1-2 us), like scoring a scenario. */
const weights = Array.from({ length: 32 }, (_, i) => Math.sin(i) / 8);
const score = (x: number) => {
  let z = 0;
  for (let k = 0; k < 32; k++) z += (weights[k] as number) * Math.log1p((x + k) % 97);
  return 1 / (1 + Math.exp(-z));
};

const min = (xs: number[]) => Math.min(...xs);

async function batchOverhead(
  label: string,
  fn: (x: number) => number | Promise<number>,
  concurrency: number,
) {
  const items = Array.from({ length: N }, (_, i) => i);
  const audit = createAudit({ subject: 'bench' });
  const plain: number[] = [];
  const batch: number[] = [];
  /** A third run per round, of plainLoopCopy: plain vs its copy is the noise floor (machine and JIT). */
  const control: number[] = [];
  const fast: number[] = [];
  /** Sync workloads only: the bare for loop. */
  const sync = !label.startsWith('async');
  const bare: number[] = [];
  // Warm-up so the JIT has compiled both paths before we measure.
  for (let i = 0; i < 5; i++) {
    if (sync) bareLoop(items, fn);
    await plainLoop(items, fn, concurrency);
    await plainLoopCopy(items, fn, concurrency);
    await plainLoopFast(items, fn, concurrency);
    await mlJob(audit, 'warm', { kind: 'batch' }, (job) => job.batch(items, fn, { concurrency }));
  }
  let stride = 0;
  await mlJob(audit, 'bench', { kind: 'batch' }, async (job) => {
    const runPlain = async () => plain.push(await time(() => plainLoop(items, fn, concurrency)));
    const runBatch = async () =>
      batch.push(
        await time(async () => {
          stride = (await job.batch(items, fn, { concurrency })).timingStride;
        }),
      );
    for (let r = 0; r < ROUNDS; r++) {
      // Interleaved, alternating which side goes first, so machine noise and GC debt hit both sides alike.
      if (r % 2 === 0) {
        await runPlain();
        await runBatch();
      } else {
        await runBatch();
        await runPlain();
      }
      control.push(await time(() => plainLoopCopy(items, fn, concurrency)));
      fast.push(await time(() => plainLoopFast(items, fn, concurrency)));
      if (sync) bare.push(await time(async () => bareLoop(items, fn)));
    }
  });
  // Each round ran every side back to back: the median of per-round ratios cancels slow drifts in load.
  const paired = (xs: number[], ys: number[]) => median(xs.map((x, i) => x / (ys[i] as number))) - 1;
  return {
    label,
    concurrency,
    stride,
    plainMs: median(plain),
    batchMs: median(batch),
    fastMs: median(fast),
    vsPlain: paired(batch, plain),
    vsFast: paired(batch, fast),
    noise: paired(control, plain),
    bareMs: sync ? median(bare) : undefined,
    vsBare: sync ? paired(batch, bare) : undefined,
  };
}
type Row = Awaited<ReturnType<typeof batchOverhead>>;

/** Fixed cost of one mlJob around nothing: sampler start/stop, VmHWM reset and read, metrics and findings. */
async function jobFixedCost() {
  const audit = createAudit({ subject: 'bench' });
  const runs: number[] = [];
  for (let r = 0; r < 20; r++) await mlJob(audit, 'empty', { kind: 'batch' }, () => 1);
  for (let r = 0; r < ROUNDS * 4; r++)
    runs.push(await time(() => mlJob(audit, 'empty', { kind: 'batch' }, () => 1)));
  return runs;
}

function cpuMs(fn: () => void, n: number): number {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / n;
}

async function samplerCost() {
  // In-process sampler: one tick = process.memoryUsage.rss() + process.cpuUsage().
  const s = new SelfSampler(60_000, false);
  const tick = (s as unknown as { sample(): void }).sample.bind(s);
  const selfTickMs = cpuMs(tick, 20_000);
  s.stop();

  // Tree sampler: one scan of /proc while a two-process job (sh + sleep) runs.
  const child = spawn('sh', ['-c', 'sleep 20 & wait'], { stdio: 'ignore', detached: true });
  await new Promise((r) => setTimeout(r, 300));
  const tree = new ProcessTree(child.pid as number);
  tree.scan();
  const treeScanMs = cpuMs(() => tree.scan(), 500);
  const members = tree.live().length;
  process.kill(-(child.pid as number), 'SIGKILL');
  const procCount = (await import('node:fs')).readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;

  // End to end: parent CPU while runJob watches `sleep 3`, against a plain spawn of the same.
  const runFor = async (withJob: boolean) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    if (withJob) await runJob('sleep', ['3'], { passThrough: false });
    else await new Promise((r) => spawn('sleep', ['3'], { stdio: 'ignore' }).on('exit', r));
    const c = process.cpuUsage(c0);
    return { cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - t0 };
  };
  const plainRun = await runFor(false);
  const jobRun = await runFor(true);
  return { selfTickMs, treeScanMs, members, procCount, plainRun, jobRun };
}

const WORKLOADS = [
  ['trivial x*2+1', tiny],
  ['async trivial x*2+1', asyncTiny],
  ['32-feature logistic score', score],
  ['async 32-feature logistic score', async (x: number) => score(x)],
] as const;

if (CHILD) {
  const [label, fn] = WORKLOADS[Number(process.env.ML_BENCH_WORKLOAD)] as (typeof WORKLOADS)[number];
  for (const c of [1, 8]) console.log(`ROW ${JSON.stringify(await batchOverhead(label, fn, c))}`);
  process.exit(0);
}

/**
 * Each workload runs in PROCESSES fresh processes of its own, one after another, as in an app that batches one
 * function: a loop that has seen several functions calls them through a polymorphic site, which slowed the
 * plain loops by ~10% on async no-ops and flattered job.batch. And in one process, plain and a byte-identical
 * copy of it differed by up to 9% on async no-ops, depending on how V8 compiled each: a single process's ratio
 * says as much about the JIT as about job.batch. The median over processes does not.
 */
async function childRows(workload: number): Promise<Row[]> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] as string], {
    env: { ...process.env, ML_BENCH_CHILD: '1', ML_BENCH_WORKLOAD: String(workload) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  const code = await new Promise((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`bench child exited with ${code}`);
  return out
    .split('\n')
    .filter((l) => l.startsWith('ROW '))
    .map((l) => JSON.parse(l.slice(4)) as Row);
}
/** Per process, its rows (one per workload and concurrency, in the same order in every process). */
const perProcess: Row[][] = [];
for (let p = 0; p < PROCESSES; p++) {
  const rows: Row[] = [];
  for (let w = 0; w < WORKLOADS.length; w++) {
    // BENCH_ONLY=async (a regular expression: ^trivial for the sync no-op alone) runs only the workloads whose
    // label matches it, a quicker loop while tuning.
    if (process.env.BENCH_ONLY && !new RegExp(process.env.BENCH_ONLY).test(WORKLOADS[w]?.[0] ?? '')) continue;
    rows.push(...(await childRows(w)));
  }
  perProcess.push(rows);
}
const fixed = await jobFixedCost();
const cost = await samplerCost();

console.log(
  `machine: ${cpus()[0]?.model ?? '?'} x${availableParallelism()}, node ${process.version}, ` +
    `load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
console.log(
  `job.batch vs plain loops, ${N} items, ${ROUNDS} interleaved rounds in each of ${PROCESSES} processes per workload; ` +
    'per process the median of per-round ratios, then the median over processes [min..max]:',
);
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const spread = (xs: number[]) => `${pct(median(xs))} [${pct(min(xs))}..${pct(Math.max(...xs))}]`;
for (let k = 0; k < (perProcess[0]?.length ?? 0); k++) {
  const rows = perProcess.map((rs) => rs[k] as Row);
  const r = rows[0] as Row;
  const pm = median(rows.map((x) => x.plainMs));
  console.log(
    `  ${r.label}, concurrency ${r.concurrency} (${((pm / N) * 1e6).toFixed(0)} ns per item, timing stride ${r.stride}):`,
  );
  console.log(
    `    plain ${pm.toFixed(3)} ms | same-semantics plain ${median(rows.map((x) => x.fastMs)).toFixed(3)} ms | ` +
      `job.batch ${median(rows.map((x) => x.batchMs)).toFixed(3)} ms`,
  );
  console.log(
    `    job.batch vs plain ${spread(rows.map((x) => x.vsPlain))}; vs same-semantics plain ` +
      `${spread(rows.map((x) => x.vsFast))}; noise (plain copy vs plain) ${spread(rows.map((x) => x.noise))}`,
  );
  if (r.bareMs !== undefined) {
    // Per item as well as a ratio: on a no-op the bare loop's time is mostly the loop itself.
    const bm = median(rows.map((x) => x.bareMs as number));
    const perItemNs = (ms: number) => ((ms / N) * 1e6).toFixed(1);
    console.log(
      `    bare sync for loop ${bm.toFixed(3)} ms (${perItemNs(bm)} ns per item); job.batch vs it ` +
        `${spread(rows.map((x) => x.vsBare as number))}, ${perItemNs(median(rows.map((x) => x.batchMs)) - bm)} ns per item`,
    );
  }
}
console.log(
  `mlJob fixed cost per job (empty job, audit on): median ${(median(fixed) * 1000).toFixed(0)} us, ` +
    `min ${(min(fixed) * 1000).toFixed(0)} us`,
);
console.log('sampling cost (CPU time of the sampler per second of job):');
console.log(
  `  in-process tick ${(cost.selfTickMs * 1000).toFixed(2)} us -> ` +
    `${((cost.selfTickMs * 1000) / DEFAULT_SELF_INTERVAL_MS).toFixed(3)} ms CPU/s at ${DEFAULT_SELF_INTERVAL_MS} ms`,
);
console.log(
  `  tree scan ${(cost.treeScanMs * 1000).toFixed(1)} us (${cost.members} tree processes, ${cost.procCount} in /proc) -> ` +
    `${((cost.treeScanMs * 1000) / DEFAULT_TREE_INTERVAL_MS).toFixed(2)} ms CPU/s at ${DEFAULT_TREE_INTERVAL_MS} ms`,
);
const extra = cost.jobRun.cpuMs - cost.plainRun.cpuMs;
console.log(
  `  runJob('sleep 3') parent CPU ${cost.jobRun.cpuMs.toFixed(1)} ms vs plain spawn ${cost.plainRun.cpuMs.toFixed(1)} ms ` +
    `-> ${(extra / (cost.jobRun.wallMs / 1000)).toFixed(2)} ms CPU/s end to end`,
);
