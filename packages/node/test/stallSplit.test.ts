// The pure parts of stall attribution: how a stall is split by the thread's numbers, and what the loop-delay
// timeline answers about a span. The real-process behaviour is in stallCause.contention.test.ts.
import { describe, expect, it } from 'vitest';
import { LoopDelayTimeline } from '../src/runtime/loopDelayTimeline.js';
import { classifyStall } from '../src/runtime/stallCause.js';

describe('classifyStall', () => {
  const threshold = 100;

  it('a 300 ms CPU block after an idle wait is cpu, with the idle part taken off first', () => {
    // Tick every 50 ms, 300 ms late: a 350 ms interval, 300 ms on CPU, 50 ms asleep in epoll before it.
    const b = classifyStall(300, 350, { cpuMs: 300, waitMs: 0, throttledMs: 0 }, threshold);
    expect(b).toMatchObject({ cause: 'cpu', cpuMs: 300, waitMs: 0, offMs: 0, ownMs: 300 });
  });

  it('a stall that is mostly waiting for a core is starved, even with some CPU in it', () => {
    const b = classifyStall(200, 250, { cpuMs: 40, waitMs: 200, throttledMs: 0 }, threshold);
    expect(b.cause).toBe('starved');
    expect(b.ownMs).toBeLessThan(threshold);
    expect(b.cpuMs + b.waitMs + b.offMs).toBeCloseTo(200, 5);
  });

  it('a CPU block on a contended core is still cpu when its on-CPU time alone reaches the threshold', () => {
    // 400 ms of CPU at a fifth of a core: 2 s of wall, 1.6 s of it waiting.
    const b = classifyStall(2000, 2050, { cpuMs: 400, waitMs: 1600, throttledMs: 0 }, threshold);
    expect(b.cause).toBe('cpu');
    expect(b.cpuMs).toBeGreaterThan(350);
  });

  it('sleeping in a blocking call is off-cpu', () => {
    const b = classifyStall(300, 350, { cpuMs: 2, waitMs: 1, throttledMs: 0 }, threshold);
    expect(b.cause).toBe('off-cpu');
    expect(b.offMs).toBeCloseTo(297, 0);
  });

  it('keeps the throttled time, and is unknown without numbers', () => {
    expect(classifyStall(200, 250, { cpuMs: 10, waitMs: 230, throttledMs: 180 }, threshold)).toMatchObject({
      cause: 'starved',
      throttledMs: 180,
    });
    expect(classifyStall(200, 250, undefined, threshold)).toMatchObject({ cause: 'unknown', ownMs: 200 });
  });
});

describe('LoopDelayTimeline', () => {
  // Ticks every 50 ms from t=0; the tick at 150 ran 100 ms late (due at 150, ran at 250).
  const timeline = () => {
    const t = new LoopDelayTimeline(50);
    t.add(0, 0);
    t.add(50, 0, 10);
    t.add(100, 0, 0);
    t.add(250, 100, 100);
    t.add(300, 0, 0);
    return t;
  };

  it('callbackDelay: how long the loop had been overdue when a response ran', () => {
    const t = timeline();
    expect(t.callbackDelay(120, 240)).toBeCloseTo(90, 5); // overdue since 150
    expect(t.callbackDelay(200, 240)).toBeCloseTo(40, 5); // since the query started
    expect(t.callbackDelay(60, 90)).toBe(0); // ended while the loop was on time
  });

  it('delayDuring counts late windows whole and spreads run-queue wait outside them', () => {
    const t = timeline();
    expect(t.delayDuring(150, 250)).toBeCloseTo(100, 5);
    // 10 ms of wait spread over the 50 ms on-time interval (0, 50]: a 25 ms slice of it holds 5 ms.
    expect(t.delayDuring(25, 50)).toBeCloseTo(5, 5);
    expect(t.delayDuring(260, 290)).toBe(0);
  });

  it("delayDuring counts an on-time interval's CPU too: a 45 ms block that ended before the tick was due", () => {
    const t = timeline();
    t.add(350, 0, 0, 45);
    expect(t.delayDuring(300, 350)).toBeCloseTo(45, 5);
    expect(t.waitDuring(300, 350)).toBe(0);
  });

  it("waitDuring spreads each tick interval's wait over it, late window included", () => {
    const t = timeline();
    expect(t.waitDuring(100, 250)).toBeCloseTo(100, 5);
    expect(t.waitDuring(100, 175)).toBeCloseTo(50, 5);
    expect(t.coveredUntil).toBe(300);
  });

  it('forgets the oldest ticks past its capacity', () => {
    const t = new LoopDelayTimeline(50, 4);
    for (let i = 0; i < 10; i++) t.add(i * 50, i === 2 ? 40 : 0);
    expect(t.delayDuring(60, 100)).toBe(0); // the late tick at 100 has been overwritten
  });
});
