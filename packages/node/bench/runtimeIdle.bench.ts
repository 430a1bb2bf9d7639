// CPU cost of the runtime collector in an idle process at default settings: process CPU time over wall time
// with the collector vs without, alternating, in child processes. Run: npx tsx bench/runtimeIdle.bench.ts
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const child = `
import { createAudit } from '@perf/core';
import { nodeRuntime } from './packages/node/src/index.ts';
const withCollector = process.argv[1] === 'on';
const audit = createAudit({ subject: 'idle' });
if (withCollector) audit.use(nodeRuntime());
await new Promise((r) => setTimeout(r, 1000));
const c0 = process.cpuUsage();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, ${SECONDS * 1000}));
const c = process.cpuUsage(c0);
const wall = performance.now() - t0;
await audit.close();
console.log(JSON.stringify({ cpu: (c.user + c.system) / 1000 / wall }));
`;

function run(mode: 'on' | 'off'): Promise<number> {
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

const on: number[] = [];
const off: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  off.push(await run('off'));
  on.push(await run('on'));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (x: number) => `${(x * 100).toFixed(3)}%`;
console.log(`idle process CPU (fraction of one core), ${SECONDS} s x ${ROUNDS} rounds, medians`);
console.log(`without collector: ${pct(median(off))}, with nodeRuntime() defaults: ${pct(median(on))}`);
console.log(`collector cost: ${pct(median(on) - median(off))} of one core`);
