// How stalls group into findings: one per cause and blocking route, the routes held up as evidence, and the
// impact the "Fix first" ranking reads. The real-process side is in stallCause.contention.test.ts and runtime.test.ts.
import { describe, expect, it } from 'vitest';
import { BlockedStalls } from '../src/runtime/blockedStalls.js';
import type { StallBreakdown } from '../src/runtime/stallCause.js';
import type { Stall } from '../src/runtime/stallDetector.js';

const cpu = (ms: number): StallBreakdown => ({
  cause: 'cpu',
  cpuMs: ms,
  waitMs: 0,
  offMs: 0,
  ownMs: ms,
  throttledMs: 0,
});
const stall = (durationMs: number, routes: Record<string, number>, culprit?: string): Stall => ({
  durationMs,
  endTime: 0,
  routes: new Map(Object.entries(routes)),
  ...(culprit ? { culprit } : {}),
});
const ctx = { wallMs: 10_000, source: 'test' };

describe('BlockedStalls', () => {
  it('a guessed culprit gives way to a route already known to block that was held through the stall too', () => {
    const b = new BlockedStalls(100);
    expect(b.add(stall(150, { 'POST /login': 1 }, 'POST /login'), 'cpu', cpu(150), ctx)!.key).toBe(
      'cpu POST /login',
    );
    // The login request goes on after the block; a request it held up finished first and is the guess.
    const guessed = {
      ...stall(180, { 'POST /login': 1, 'GET /feed': 1 }, 'GET /feed'),
      culpritGuessed: true,
    };
    expect(b.add(guessed, 'cpu', cpu(180), ctx)!.key).toBe('cpu POST /login');
    // A guess alone names nothing; a certain culprit (the only route held through it) does.
    const alone = { ...stall(170, { 'GET /feed': 1, 'GET /tags': 1 }, 'GET /feed'), culpritGuessed: true };
    expect(b.add(alone, 'cpu', cpu(170), ctx)!.key).toBe('cpu (route not known)');
    expect(b.add(stall(160, { 'GET /feed': 1 }, 'GET /feed'), 'cpu', cpu(160), ctx)!.key).toBe(
      'cpu GET /feed',
    );
  });

  it('a stall before the first request is start-up work: its own info finding, apart from request-path stalls', () => {
    const b = new BlockedStalls(100);
    const boot = b.add({ ...stall(650, {}), startup: true }, 'cpu', cpu(650), ctx)!;
    expect(boot.key).toBe('cpu (start-up)');
    expect(boot.severity).toBe('info');
    expect(boot.title).toBe('Event loop blocked for 650 ms at start-up, before the first request');
    expect(boot.message).toMatch(
      /start-up work .* delays the process's readiness \(a cold start\), not its requests/,
    );
    expect(boot.recommendation).toMatch(/cold starts/);
    // A later stall with no route known is not folded into it.
    const later = b.add(stall(200, { 'GET /a': 1, 'GET /b': 1 }), 'cpu', cpu(200), ctx)!;
    expect(later.key).toBe('cpu (route not known)');
    expect(later.severity).toBe('warning');
  });

  it('keys by cause and blocking route; a stall without a culprit joins the one known culprit in flight', () => {
    const b = new BlockedStalls(100);
    const first = b.add(stall(200, { 'GET /a': 1, 'GET /b': 2 }, 'GET /a'), 'cpu', cpu(200), ctx)!;
    expect(first.key).toBe('cpu GET /a');
    expect(first.rule).toBe('node.event-loop-blocked');
    expect(first.title).toBe('Event loop blocked for 200 ms in GET /a');
    const second = b.add(stall(300, { 'GET /a': 1, 'GET /b': 1 }), 'cpu', cpu(300), ctx)!;
    expect(second.key).toBe('cpu GET /a');
    expect(second.title).toBe('Event loop blocked 2 times (longest 300 ms, 500 ms in all) in GET /a');
    expect(second.evidence?.details).toMatchObject({
      stalls: 2,
      stallMs: 300,
      totalStallMs: 500,
      onCpuMs: 500,
      blockingRoute: 'GET /a',
      routesHit: { 'GET /a': 2, 'GET /b': 3 },
    });
    expect(second.evidence?.attributes).toEqual({ 'http.request.method': 'GET', 'http.route': '/a' });
    // No known culprit among the routes in flight: the cause's unattributed group.
    const third = b.add(stall(150, { 'GET /c': 1 }), 'cpu', cpu(150), ctx)!;
    expect(third.key).toBe('cpu (route not known)');
    expect(third.title).toBe('Event loop blocked for 150 ms while serving GET /c');
    expect(third.message).toMatch(/Which route ran the blocking code is not known/);
    // Another cause is another finding, even in the same route.
    const off = b.add(stall(400, { 'GET /a': 1 }, 'GET /a'), 'off-cpu', undefined, ctx)!;
    expect(off.rule).toBe('node.event-loop-off-cpu');
    expect(off.key).toBe('off-cpu GET /a');
  });

  it('two known culprits in flight: the stall is not guessed into either', () => {
    const b = new BlockedStalls(100);
    b.add(stall(200, { 'GET /a': 1 }, 'GET /a'), 'cpu', cpu(200), ctx);
    b.add(stall(200, { 'GET /b': 1 }, 'GET /b'), 'cpu', cpu(200), ctx);
    expect(b.add(stall(200, { 'GET /a': 1, 'GET /b': 1 }), 'cpu', cpu(200), ctx)!.key).toBe(
      'cpu (route not known)',
    );
  });

  it("impact: the time requests spent inside the stalls over those routes' request time, else wall time", () => {
    const b = new BlockedStalls(100);
    const requestTime = (routes: string[]) => (routes.includes('GET /a') ? 4000 : undefined);
    const known = b.add(
      {
        ...stall(200, { 'GET /a': 2 }, 'GET /a'),
        requestDelay: new Map([
          ['GET /a', 400],
          ['GET /b', 50],
        ]),
      },
      'cpu',
      cpu(200),
      { ...ctx, requestTime },
    )!;
    expect(known.impact).toMatchObject({ of: 'request time', share: 450 / 4000, savingMs: 200 });
    expect(known.impact?.scope).toBe('GET /a, GET /b');
    // Without HTTP instrumentation: the stalls' share of the wall time since the collector started.
    const wall = new BlockedStalls(100).add(stall(500, {}), 'cpu', cpu(500), ctx)!;
    expect(wall.impact).toMatchObject({ of: 'wall time', share: 0.05, savingMs: 500 });
    expect(wall.key).toBe('cpu (route not known)');
    expect(wall.severity).toBe('warning');
    // Severity: critical when a stall's own time reaches 10x the threshold.
    expect(new BlockedStalls(100).add(stall(1200, {}), 'cpu', cpu(1100), ctx)!.severity).toBe('critical');
  });

  it('caps the groups at 50 and counts what it drops', () => {
    const b = new BlockedStalls(100);
    for (let i = 0; i < 50; i++)
      expect(b.add(stall(200, {}, `GET /r${i}`), 'cpu', cpu(200), ctx)).toBeDefined();
    expect(b.add(stall(200, {}, 'GET /r50'), 'cpu', cpu(200), ctx)).toBeUndefined();
    expect(b.dropped).toBe(1);
  });
});
