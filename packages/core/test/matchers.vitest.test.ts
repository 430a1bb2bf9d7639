import '@perf/core/vitest';
import { createAudit, defineBudgets, toHavePercentile, toMeetBudgets } from '@perf/core';
import { describe, expect, it } from 'vitest';
import { findingInput, sampleAudit, sampleReport } from './fixtures.js';

/** The message of a failing assertion. */
function failureOf(assertion: () => void): string {
  try {
    assertion();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the assertion to fail');
}

function passingAudit() {
  const audit = createAudit({
    subject: 'ok',
    budgets: defineBudgets({ 'http.server.request.duration': 'p95 < 200ms' }),
  });
  const h = audit.histogram('http.server.request.duration', { 'http.route': '/a' });
  for (let i = 1; i <= 100; i++) h.record(i);
  return audit;
}

describe('toMeetBudgets (vitest)', () => {
  it('passes when every budget passes, for a report or an Audit', () => {
    expect(passingAudit()).toMeetBudgets();
    expect(passingAudit().report()).toMeetBudgets();
  });

  it('fails naming the budget, observed vs threshold, and the top findings', () => {
    const message = failureOf(() => expect(sampleReport()).toMeetBudgets());
    expect(message).toContain('expected all 4 budgets to be met; 2 did not:');
    expect(message).toContain(
      'FAIL    http.server.request.duration http.request.method=POST, http.route=/api/fit, http.status_class=2xx p95 < 200ms: observed 482.4 ms vs 200 ms',
    );
    expect(message).toContain(
      'NO-DATA ml.job.duration ml.job.kind=inference max < 5s: no series of ml.job.duration with {"ml.job.kind":"inference"} in the report',
    );
    expect(message).toContain('top findings:');
    expect(message).toContain('  critical node.event-loop-blocked: Event loop blocked for 480 ms ×1');
    expect(message).toContain('  warning db.n-plus-one: N+1 queries on spend ×1');
    // The passing budgets are not listed.
    expect(message).not.toContain('db.client.operation.duration');
  });

  it("checks given budgets instead of the report's, and no-data fails", () => {
    expect(sampleReport()).toMeetBudgets(defineBudgets({ 'db.client.operation.duration': 'p95 < 50ms' }));
    const message = failureOf(() =>
      expect(passingAudit()).toMeetBudgets(defineBudgets({ 'webvitals.lcp': 'p75 < 2.5s' })),
    );
    expect(message).toContain('1 did not');
    expect(message).toContain('NO-DATA webvitals.lcp');
    expect(message).toContain('(no findings)');
  });

  it('fails when there is nothing to check', () => {
    const message = failureOf(() => expect(createAudit({ subject: 'x' })).toMeetBudgets());
    expect(message).toBe('expected budgets to be met, but no budgets were given or configured');
  });

  it('.not inverts, with its own message', () => {
    expect(sampleReport()).not.toMeetBudgets();
    expect(failureOf(() => expect(passingAudit()).not.toMeetBudgets())).toBe(
      'expected some budget to fail, but all 1 passed',
    );
  });

  it('lists at most five findings and says how many more', () => {
    const audit = passingAudit();
    for (let i = 0; i < 8; i++) audit.finding(findingInput({ key: `k${i}`, title: `finding ${i}` }));
    const message = toMeetBudgets(audit, defineBudgets({ 'app.none': 'count > 1' })).message();
    expect(message.match(/ {2}warning db\.n-plus-one/g)).toHaveLength(5);
    expect(message).toContain('… 3 more');
  });

  it('rejects what is not a report', () => {
    expect(() => expect({ nope: 1 }).toMeetBudgets()).toThrow(
      'expected an AuditReport or an Audit (something with report())',
    );
  });
});

describe('toHaveNoFindings (vitest)', () => {
  it('passes without findings, or without findings of the rule or rule prefix', () => {
    expect(passingAudit()).toHaveNoFindings();
    expect(sampleReport()).toHaveNoFindings('ml');
    expect(sampleReport()).toHaveNoFindings('db.missing-index');
  });

  it('fails listing the findings', () => {
    const message = failureOf(() => expect(sampleAudit()).toHaveNoFindings('db'));
    expect(message).toBe(
      'expected no findings of db, got 1:\n  warning db.n-plus-one: N+1 queries on spend ×1',
    );
    const all = failureOf(() => expect(sampleReport()).toHaveNoFindings());
    expect(all).toContain('expected no findings, got 3:');
    // 'node' is a prefix of 'node.event-loop-blocked' but 'nod' is not a rule prefix.
    expect(sampleReport()).toHaveNoFindings('nod');
    expect(failureOf(() => expect(sampleReport()).not.toHaveNoFindings('ml'))).toBe(
      'expected findings of ml, but there were none',
    );
  });
});

describe('toHavePercentile (vitest)', () => {
  it('passes and fails on every matched series, with units converted', () => {
    const r = sampleReport();
    expect(r).toHavePercentile('http.server.request.duration', 'p95', '<', '0.5s');
    expect(r).toHavePercentile('db.client.operation.duration', 'p50', '<=', 5);
    const message = failureOf(() =>
      expect(r).toHavePercentile('http.server.request.duration', 'p95', '<', '200ms'),
    );
    expect(message).toBe(
      'expected http.server.request.duration p95 < 200ms; 1 of 2 series did not:\n' +
        '  http.request.method=POST, http.route=/api/fit, http.status_class=2xx: p95 = 482.4 ms',
    );
  });

  it('narrows series with a where filter', () => {
    const r = sampleReport();
    expect(r).toHavePercentile('http.server.request.duration', 'p95', '<', '200ms', {
      'http.route': '/api/channels',
    });
    expect(r).toHavePercentile('http.server.request.duration', 'p99.9', '>=', '400ms', {
      'http.request.method': 'POST',
    });
    const missing = failureOf(() =>
      expect(r).toHavePercentile('http.server.request.duration', 'p95', '<', '1s', { 'http.route': '/nope' }),
    );
    expect(missing).toBe(
      'expected http.server.request.duration p95 < 1s, but the report has no such series with {"http.route":"/nope"}',
    );
  });

  it('a threshold with a bad unit is a clear error, and a unit that does not fit is no series', () => {
    expect(() => expect(sampleReport()).toHavePercentile('webvitals.lcp', 'p95', '<', '2 parsecs')).toThrow(
      "unknown unit 'parsecs'",
    );
    const result = toHavePercentile(sampleReport(), 'http.server.request.duration', 'p95', '<', '2KB');
    expect(result.pass).toBe(false);
    expect(result.message()).toContain('the report has no such series');
  });
});
