// Throughput and p99 of hello-world servers bare vs with the @perf/node middleware, alternating variants in
// one run so machine noise hits every variant alike. Run: pnpm --filter @perf/node bench
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const FRAMEWORKS = ['http', 'express', 'fastify'];
// 'perf-noctx': the middleware with `context: false` (no AsyncLocalStorage), to separate the two costs.
const VARIANTS = ['bare', 'perf', 'perf-noctx'];
const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

async function start(variant: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, variant], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`${variant} exited ${code}`)));
  });
  return { child, port };
}

async function measure(variant: string): Promise<{ rps: number; p99: number }> {
  const { child, port } = await start(variant);
  try {
    const url = `http://127.0.0.1:${port}/hello/bench`;
    await autocannon({ url, connections: CONNECTIONS, duration: 1 }); // warm-up (JIT)
    const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
    return { rps: r.requests.average, p99: r.latency.p99 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const results = new Map<string, { rps: number[]; p99: number[] }>();
for (let round = 0; round < ROUNDS; round++) {
  for (const fw of FRAMEWORKS) {
    // Alternate the order inside each round so neither variant always runs first.
    const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const v of order) {
      const variant = `${fw}-${v}`;
      const m = await measure(variant);
      const entry = results.get(variant) ?? { rps: [], p99: [] };
      entry.rps.push(m.rps);
      entry.p99.push(m.p99);
      results.set(variant, entry);
      process.stderr.write(`round ${round + 1} ${variant}: ${m.rps.toFixed(0)} req/s, p99 ${m.p99} ms\n`);
    }
  }
}

const lines = [
  `machine: ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, node ${process.versions.node}`,
  `autocannon: ${CONNECTIONS} connections, ${SECONDS} s per sample, ${ROUNDS} alternating rounds, medians`,
  '',
  '| framework | variant | req/s (median) | ratio vs bare | p99 ms (median) |',
  '| --- | --- | --- | --- | --- |',
];
for (const fw of FRAMEWORKS) {
  const bare = median(results.get(`${fw}-bare`)!.rps);
  for (const v of VARIANTS) {
    const r = results.get(`${fw}-${v}`)!;
    lines.push(
      `| ${fw} | ${v} | ${median(r.rps).toFixed(0)} | ${(median(r.rps) / bare).toFixed(3)} | ${median(r.p99)} |`,
    );
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
