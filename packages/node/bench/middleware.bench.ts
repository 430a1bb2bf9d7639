// Throughput, p99 and server CPU per request of hello-world servers: bare vs the @perf/node middleware vs the
// two peers the issue names (prom-client with a route histogram, OpenTelemetry HTTP instrumentation), all in
// one run, variants alternating every round so machine noise hits each alike. Run: pnpm --filter @perf/node bench
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const FRAMEWORKS = (process.env.BENCH_FRAMEWORKS ?? 'express,fastify').split(',');
// 'perf' is the middleware with defaults (`context: 'auto'`, no reader: no AsyncLocalStorage); 'perf-ctx' has
// `context: true`, as when @perf/db reads the request context, to separate the two costs.
// 'perf-server' (express only): expressPerfHandler, the same measurement mounted at the server, not as a layer.
const VARIANTS = (process.env.BENCH_VARIANTS ?? 'bare,perf,perf-server,perf-ctx,prom,otel').split(',');
/** The variants a framework runs: the server-mounted form exists for express only. */
const variantsFor = (fw: string) => VARIANTS.filter((v) => v !== 'perf-server' || fw === 'express');
const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

interface Sample {
  rps: number;
  p99: number;
  /** Server process CPU time per request during the measured run, µs. */
  cpuUs: number;
}

function ask<T>(child: ChildProcess, msg: string, pick: (m: unknown) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: unknown) => {
      const v = pick(m);
      if (v === undefined) return;
      child.off('message', on);
      resolve(v);
    };
    child.on('message', on);
    child.send(msg);
  });
}

async function start(variant: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, variant], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${variant} exited ${code}`)));
  });
  return { child, port };
}

async function measure(variant: string): Promise<Sample> {
  const { child, port } = await start(variant);
  try {
    const url = `http://127.0.0.1:${port}/hello/bench`;
    await autocannon({ url, connections: CONNECTIONS, duration: 1 }); // warm-up (JIT)
    await ask(child, 'mark', (m) => (m === 'marked' ? true : undefined));
    const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
    const c = await ask(child, 'cpu', (m) => m as { cpuMs: number; recorded: number });
    if (!variant.endsWith('bare') && c.recorded < r.requests.total)
      throw new Error(`${variant} recorded ${c.recorded} of ${r.requests.total} requests`);
    return { rps: r.requests.average, p99: r.latency.p99, cpuUs: (c.cpuMs * 1000) / r.requests.total };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const load0 = loadavg()[0]!;
const samples = new Map<string, Sample[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const fw of FRAMEWORKS) {
    // Rotate the order every round so no variant always runs first or right after another.
    const variants = variantsFor(fw);
    const shift = round % variants.length;
    const order = [...variants.slice(shift), ...variants.slice(0, shift)];
    for (const v of order) {
      const variant = `${fw}-${v}`;
      const m = await measure(variant);
      samples.set(variant, [...(samples.get(variant) ?? []), m]);
      process.stderr.write(
        `round ${round + 1} ${variant}: ${m.rps.toFixed(0)} req/s, p99 ${m.p99} ms, ${m.cpuUs.toFixed(1)} µs CPU/req (load ${loadavg()[0]!.toFixed(1)})\n`,
      );
    }
  }
}

const lines = [
  `machine: ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, node ${process.versions.node}, ${new Date().toISOString()}`,
  `load average (1 min) at start ${load0.toFixed(1)}, at end ${loadavg()[0]!.toFixed(1)}`,
  `autocannon: ${CONNECTIONS} connections, ${SECONDS} s per sample after a 1 s warm-up, ${ROUNDS} rotating rounds`,
  'ratios are medians of the per-round ratios (each variant against bare of the same round); others are medians',
  '',
  '| framework | variant | req/s | req/s ratio vs bare | p99 ms | CPU µs/req | CPU ratio vs bare |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
];
for (const fw of FRAMEWORKS) {
  const bare = samples.get(`${fw}-bare`)!;
  for (const v of variantsFor(fw)) {
    const s = samples.get(`${fw}-${v}`)!;
    const rpsRatio = median(s.map((x, i) => x.rps / bare[i]!.rps));
    const cpuRatio = median(s.map((x, i) => x.cpuUs / bare[i]!.cpuUs));
    lines.push(
      `| ${fw} | ${v} | ${median(s.map((x) => x.rps)).toFixed(0)} | ${rpsRatio.toFixed(3)} | ${median(s.map((x) => x.p99))} | ${median(s.map((x) => x.cpuUs)).toFixed(1)} | ${cpuRatio.toFixed(3)} |`,
    );
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
