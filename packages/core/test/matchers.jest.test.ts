import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createAudit, defineBudgets, type PerfMatchers } from '@perf/core';
import { expect as jestExpect } from 'expect';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleReport } from './fixtures.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const jestEntry = fileURLToPath(new URL('../src/matchers/jest.ts', import.meta.url));

/** jest's expect, as the @perf/core/jest entry extends it. */
const perf = (received: unknown) =>
  jestExpect(received) as unknown as PerfMatchers<void> & {
    not: PerfMatchers<void>;
  };

function failureOf(assertion: () => void): string {
  try {
    assertion();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the assertion to fail');
}

describe('@perf/core/jest with the real expect package', () => {
  beforeAll(async () => {
    const g = globalThis as { expect?: unknown };
    const previous = g.expect;
    g.expect = jestExpect;
    try {
      const entry = await import('@perf/core/jest');
      expect(Object.keys(entry.perfMatchers).sort()).toEqual([
        'toHaveNoFindings',
        'toHavePercentile',
        'toMeetBudgets',
        'toPass',
      ]);
    } finally {
      g.expect = previous;
    }
  });

  it('toMeetBudgets passes and fails with the failing budget, observed vs threshold and findings', () => {
    const ok = createAudit({
      subject: 'ok',
      budgets: defineBudgets({ 'db.client.operation.duration': 'p95 < 50ms' }),
    });
    ok.histogram('db.client.operation.duration').record(3);
    perf(ok).toMeetBudgets();
    perf(sampleReport()).not.toMeetBudgets();
    const message = failureOf(() => perf(sampleReport()).toMeetBudgets());
    expect(message).toContain('expected all 4 budgets to be met; 2 did not:');
    expect(message).toContain('p95 < 200ms: observed 482.4 ms vs 200 ms');
    expect(message).toContain('critical node.event-loop-blocked: Event loop blocked for 480 ms ×1');
  });

  it('toPass fails on the critical finding toMeetBudgets ignores, and takes failOn', () => {
    const ok = createAudit({
      subject: 'ok',
      budgets: defineBudgets({ 'db.client.operation.duration': 'p95 < 50ms' }),
    });
    ok.histogram('db.client.operation.duration').record(3);
    ok.finding({
      rule: 'db.n-plus-one',
      area: 'database',
      severity: 'critical',
      title: 'N+1 on GET /a',
      recommendation: 'Load in one query.',
      how: { method: 'exact', source: 'test' },
    });
    perf(ok).toMeetBudgets();
    perf(ok).not.toPass();
    perf(ok).toPass({ failOn: 'budgets' });
    expect(failureOf(() => perf(ok).toPass())).toContain(
      '  critical finding db.n-plus-one: N+1 on GET /a (×1)',
    );
  });

  it('toHaveNoFindings passes and fails', () => {
    perf(sampleReport()).toHaveNoFindings('ml');
    expect(failureOf(() => perf(sampleReport()).toHaveNoFindings('cache'))).toBe(
      'expected no findings of cache, got 1:\n  info cache.low-hit-rate: Cache hit rate 40% ×1',
    );
  });

  it('toHavePercentile with where filters passes and fails', () => {
    const r = sampleReport();
    perf(r).toHavePercentile('http.server.request.duration', 'p95', '<', '200ms', {
      'http.route': '/api/channels',
    });
    const message = failureOf(() =>
      perf(r).toHavePercentile('http.server.request.duration', 'p95', '<', '200ms', {
        'http.request.method': 'POST',
      }),
    );
    expect(message).toBe(
      'expected http.server.request.duration p95 < 200ms; 1 of 1 series did not:\n' +
        '  http.request.method=POST, http.route=/api/fit, http.status_class=2xx: p95 = 482.4 ms',
    );
  });
});

describe('@perf/core/jest without a global expect', () => {
  it('throws a clear error telling how to load it', async () => {
    // A fresh process: no test runner, so no global expect.
    const code = `await import(${JSON.stringify(jestEntry)});`;
    const failure = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: root,
    }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(
      "@perf/core/jest: no global expect. Import it from a jest setup file (setupFilesAfterEnv: ['@perf/core/jest']), or call expect.extend(perfMatchers) yourself.",
    );
  });

  it('loads in the same kind of process once a global expect exists', async () => {
    const code = [
      "const { expect } = await import('expect');",
      'globalThis.expect = expect;',
      `await import(${JSON.stringify(jestEntry)});`,
      'console.log(typeof expect({ metrics: [], budgets: [], findings: [] }).toHaveNoFindings);',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    expect(stdout.trim()).toBe('function');
  });
});
