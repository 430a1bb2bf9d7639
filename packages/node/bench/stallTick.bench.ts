// The JS work the stall timer adds to each of its ticks (20 per second at the default 50 ms), measured in
// process so machine noise does not hide it: the thread's schedstat read (one pread), the timeline entry and
// the delay histogram record. The tick's wake-up itself replaces monitorEventLoopDelay's, so it is not extra.
// Run: npx tsx bench/stallTick.bench.ts
import { createAudit } from '@perf/core';
import { LoopDelayTimeline } from '../src/runtime/loopDelayTimeline.js';
import { ThreadClock } from '../src/runtime/threadClock.js';

const N = Number(process.env.BENCH_TICKS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const audit = createAudit({ subject: 'tick' });
const delay = audit.histogram('nodejs.eventloop.delay');
const timeline = new LoopDelayTimeline(50);
const clock = new ThreadClock();
if (!clock.available)
  console.log('(no schedstat on this machine: the read is skipped, as it is in production)');

function tick(i: number): void {
  const delta = clock.delta();
  const late = (i % 7) * 0.3;
  delay.record(late);
  timeline.add(i * 50, late, delta?.waitMs);
}

const perTick: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) tick(i);
  perTick.push(((performance.now() - t0) * 1e6) / N);
}
perTick.sort((a, b) => a - b);
const median = perTick[Math.floor(perTick.length / 2)]!;
const ticksPerSecond = 1000 / 50;
console.log(
  `stall timer work per tick: ${median.toFixed(0)} ns (median of ${ROUNDS} rounds x ${N} ticks; ` +
    `rounds ${perTick.map((x) => x.toFixed(0)).join(' ')} ns)`,
);
console.log(
  `at ${ticksPerSecond} ticks/s: ${(((median * ticksPerSecond) / 1e9) * 100).toFixed(4)}% of one core`,
);
clock.close();
