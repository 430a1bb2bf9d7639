// CPU cost of the runtime collector in an idle process at default settings: process CPU time over wall time
// with the collector vs without, alternating, in child processes. 'on' is the default (one stall timer every
// 50 ms that also reads the thread's schedstat); 'window' is stallCheckMs: 0 (monitorEventLoopDelay at 50 ms,
// the former default), to show what the per-stall timer and its schedstat reads cost in the same run.
// Run: npx tsx bench/runtimeIdle.bench.ts
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const child = `
import { createAudit } from '@perf/core';
import { nodeRuntime } from './packages/node/src/index.ts';
const mode = process.argv[1];
const audit = createAudit({ subject: 'idle' });
if (mode === 'on') audit.use(nodeRuntime());
if (mode === 'window') audit.use(nodeRuntime({ stallCheckMs: 0 }));
await new Promise((r) => setTimeout(r, 1000));
const c0 = process.cpuUsage();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, ${SECONDS * 1000}));
const c = process.cpuUsage(c0);
const wall = performance.now() - t0;
await audit.close();
console.log(JSON.stringify({ cpu: (c.user + c.system) / 1000 / wall }));
`;

type Mode = 'off' | 'on' | 'window';

function run(mode: Mode): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child, mode], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.on('exit', () => {
      try {
        resolve((JSON.parse(out.trim()) as { cpu: number }).cpu);
      } catch (e) {
        reject(e);
      }
    });
  });
}

const modes: Mode[] = ['off', 'on', 'window'];
const cpu = new Map<Mode, number[]>(modes.map((m) => [m, []]));
for (let i = 0; i < ROUNDS; i++) {
  // Alternate the order each round so no mode always runs first.
  for (const m of i % 2 === 0 ? modes : [...modes].reverse()) cpu.get(m)!.push(await run(m));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (x: number) => `${(x * 100).toFixed(3)}%`;
const off = median(cpu.get('off')!);
console.log(`idle process CPU (fraction of one core), ${SECONDS} s x ${ROUNDS} alternating rounds, medians`);
for (const m of modes) {
  const xs = cpu.get(m)!;
  const cost = m === 'off' ? '' : `, collector cost ${pct(median(xs) - off)}`;
  console.log(`${m.padEnd(6)} ${pct(median(xs))}${cost} (rounds: ${xs.map(pct).join(' ')})`);
}
