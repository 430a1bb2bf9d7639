// Instructions per request on the JS thread of hello-world servers, counted by valgrind's callgrind: a measure
// that machine noise does not move, where wall-clock throughput on this 2-vCPU VM moves by up to 30% between
// processes. Each variant runs twice under callgrind with instrumentation off during startup and warm-up; it
// is switched on for N1 and for N2 requests, and the slope (I(N2) - I(N1)) / (N2 - N1) is the per-request count,
// free of the fixed cost of switching. Only the main thread is counted: under valgrind a few thousand warm-up
// requests are far from enough for V8 to finish optimizing (natively it settles after ~300k requests), so the
// compiler threads' work in the window is warm-up, 40% of all instructions, not a steady per-request cost.
// Kernel time is not counted either (syscalls run outside valgrind); the native user share of bare's CPU is
// printed for scale. Run: pnpm --filter @perf/node bench:instructions   (needs valgrind: apt-get install valgrind)
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const N1 = Number(process.env.BENCH_N1 ?? 1000);
const N2 = Number(process.env.BENCH_N2 ?? 4000);
const WARM = Number(process.env.BENCH_WARM ?? 2000);
const CONNECTIONS = 8;
const RUNS: Record<string, string[]> = {
  fastify: (process.env.BENCH_FASTIFY ?? 'bare,chan,hook,perf,perf-ctx,prom,otel').split(','),
  express: (process.env.BENCH_EXPRESS ?? 'bare,perf,perf-server,perf-ctx,prom,otel').split(','),
};
const FRAMEWORKS = (process.env.BENCH_FRAMEWORKS ?? 'fastify,express').split(',');
const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

try {
  execFileSync('valgrind', ['--version']);
} catch {
  console.error('valgrind is not installed (apt-get install valgrind): nothing measured');
  process.exit(1);
}

const firstMessage = <T>(child: ChildProcess) =>
  new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });

/** Runs callgrind_control on the child; it acts only when the child runs, so the child is pinged meanwhile. */
function control(child: ChildProcess, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const ping = setInterval(() => child.send('ping'), 20);
    execFile('callgrind_control', [...args, String(child.pid)], (err) => {
      clearInterval(ping);
      if (err) reject(err);
      else resolve();
    });
  });
}

async function load(port: number, amount: number): Promise<void> {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/hello/bench`,
    connections: CONNECTIONS,
    amount,
  });
  if (r.non2xx || r.errors || r.requests.total !== amount)
    throw new Error(
      `load: ${r.requests.total} of ${amount} requests, ${r.non2xx} non-2xx, ${r.errors} errors`,
    );
}

/** Instructions counted while `amount` requests ran, after the warm-up. */
async function counted(variant: string, amount: number): Promise<number> {
  const out = join(tmpdir(), `perf-callgrind-${process.pid}-${variant}-${amount}.out`);
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--separate-threads=yes',
      '--smc-check=all-non-file',
      `--callgrind-out-file=${out}`,
      process.execPath,
      '--import',
      'tsx',
      SERVER,
      variant,
    ],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'ignore', 'ipc'] },
  );
  try {
    const { port } = await firstMessage<{ port: number }>(child);
    await load(port, WARM);
    await control(child, ['-i', 'on']);
    await load(port, amount);
    await control(child, ['-i', 'off']);
    child.send('cpu');
    const { recorded } = await firstMessage<{ recorded: number }>(child);
    if (!variant.endsWith('bare') && recorded < WARM + amount)
      throw new Error(`${variant} recorded ${recorded} of ${WARM + amount} requests`);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    // One file per thread, `<out>-01` the main thread.
    const totals = /^totals:\s+(\d+)/m.exec(readFileSync(`${out}-01`, 'utf8'));
    if (!totals) throw new Error(`no totals in ${out}-01`);
    return Number(totals[1]);
  } finally {
    child.kill('SIGKILL');
    const dir = tmpdir();
    const prefix = `${out.slice(dir.length + 1)}-`;
    for (const f of readdirSync(dir)) if (f.startsWith(prefix)) rmSync(join(dir, f), { force: true });
  }
}

/** Native run of bare: the user-space share of its CPU time under the same load. */
async function userShare(framework: string): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, `${framework}-bare`], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { port } = await firstMessage<{ port: number }>(child);
    await load(port, 20_000);
    child.send('mark');
    await firstMessage(child);
    await load(port, 40_000);
    child.send('cpu');
    const c = await firstMessage<{ cpuMs: number; userMs: number }>(child);
    return c.userMs / c.cpuMs;
  } finally {
    child.kill('SIGKILL');
  }
}

const lines = [
  `node ${process.versions.node}, ${new Date().toISOString()}; callgrind, main thread, ${WARM} warm-up requests uninstrumented, then slope over ${N1} and ${N2} requests (${CONNECTIONS} connections)`,
  '',
  '| framework | variant | JS-thread instructions / request | vs bare |',
  '| --- | --- | ---: | ---: |',
];
for (const fw of FRAMEWORKS) {
  const share = await userShare(fw);
  let bare = 0;
  for (const v of RUNS[fw] ?? []) {
    // The two runs of a variant go side by side: instruction counts do not depend on the other core's load.
    const [a, b] = await Promise.all([counted(`${fw}-${v}`, N1), counted(`${fw}-${v}`, N2)]);
    const perRequest = (b - a) / (N2 - N1);
    if (v === 'bare') bare = perRequest;
    const ratio = bare ? perRequest / bare : Number.NaN;
    process.stderr.write(`${fw}-${v}: ${Math.round(perRequest)} instructions per request\n`);
    lines.push(`| ${fw} | ${v} | ${Math.round(perRequest)} | ${ratio.toFixed(3)} |`);
  }
  lines.push(`| ${fw} | (user-space share of bare's CPU time, native) | ${(share * 100).toFixed(0)}% | |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
