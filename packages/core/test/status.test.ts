import '@perf/core/vitest';
import {
  applyBudgets,
  createAudit,
  defineBudgets,
  judgeReport,
  mergeReports,
  parseReport,
  toPass,
} from '@perf/core';
import { describe, expect, it } from 'vitest';
import { findingInput } from './fixtures.js';

/** A report whose one budget passes, with a finding of the given severity (or none). */
function passingBudgetsWith(
  severity?: 'info' | 'warning' | 'critical',
  failOn?: 'budgets' | 'critical' | 'warning',
) {
  const audit = createAudit({
    subject: 'status',
    budgets: defineBudgets({ 'http.server.request.duration': 'p95 < 200ms' }),
    ...(failOn ? { failOn } : {}),
  });
  const h = audit.histogram('http.server.request.duration', {
    'http.route': '/a',
    'http.request.method': 'GET',
  });
  for (let i = 1; i <= 50; i++) h.record(i);
  if (severity)
    audit.finding(
      findingInput({
        severity,
        rule: 'db.n-plus-one',
        title: 'N+1 on GET /api/contributions',
        area: 'database',
      }),
    );
  return audit.report();
}

describe('status that tells the truth', () => {
  it('fails on a critical finding by default, though every budget passes, and says why', () => {
    const report = passingBudgetsWith('critical');
    expect(report.budgets.every((b) => b.status === 'pass')).toBe(true);
    expect(report.summary.status).toBe('fail');
    expect(report.summary.failOn).toBe('critical');
    expect(report.summary.reasons).toEqual([
      'critical finding db.n-plus-one: N+1 on GET /api/contributions (×1)',
    ]);
    expect(report.summary.areas.database.status).toBe('fail');
    expect(report.summary.areas.backend.status).toBe('pass');
    expect(parseReport(JSON.parse(JSON.stringify(report)))).toStrictEqual(report);
  });

  it('passes with a warning under the default, fails with it under failOn warning', () => {
    expect(passingBudgetsWith('warning').summary).toMatchObject({ status: 'pass', failOn: 'critical' });
    expect(passingBudgetsWith('warning').summary.reasons).toBeUndefined();
    const strict = passingBudgetsWith('warning', 'warning');
    expect(strict.summary.status).toBe('fail');
    expect(strict.summary.reasons).toEqual([
      'warning finding db.n-plus-one: N+1 on GET /api/contributions (×1)',
    ]);
    expect(passingBudgetsWith('info', 'warning').summary.status).toBe('pass');
  });

  it("failOn 'budgets' judges budgets only, as reports did before", () => {
    expect(passingBudgetsWith('critical', 'budgets').summary.status).toBe('pass');
  });

  it('names the failing budget with its observed value and series', () => {
    const audit = createAudit({
      subject: 's',
      budgets: defineBudgets({ 'http.server.request.duration': 'p95 < 10ms' }),
    });
    audit
      .histogram('http.server.request.duration', { 'http.route': '/slow', 'http.request.method': 'GET' })
      .record(40);
    audit
      .histogram('http.server.request.duration', { 'http.route': '/fast', 'http.request.method': 'GET' })
      .record(1);
    const s = audit.report().summary;
    expect(s.status).toBe('fail');
    expect(s.reasons).toEqual([
      'budget http.server.request.duration p95 < 10ms failed: 40 ms on GET /slow (1 of 2 series)',
    ]);
  });

  it('says when it is not a pass for want of data', () => {
    const none = createAudit({ subject: 'x' }).report().summary;
    expect(none.status).toBe('no-data');
    expect(none.reasons).toEqual(['no budgets were checked, and missing data is never a pass']);
    const missing = createAudit({
      subject: 'x',
      budgets: defineBudgets({ 'db.client.operation.duration': 'p95 < 5ms' }),
    });
    expect(missing.report().summary.reasons).toEqual([
      '1 of 1 budgets had no data (db.client.operation.duration p95 < 5ms)',
    ]);
  });

  it('lists at most 20 reasons, counting the rest', () => {
    const audit = createAudit({ subject: 'many' });
    for (let i = 0; i < 30; i++) audit.finding(findingInput({ key: `k${i}`, severity: 'critical' }));
    const reasons = audit.report().summary.reasons!;
    expect(reasons).toHaveLength(20);
    expect(reasons[19]).toBe('… and 11 more');
  });

  it('judgeReport, applyBudgets and mergeReports judge under a given policy or keep the report’s', () => {
    const report = passingBudgetsWith('warning');
    expect(judgeReport(report, { failOn: 'warning' }).summary.status).toBe('fail');
    expect(report.summary.status).toBe('pass');
    const strict = passingBudgetsWith('warning', 'warning');
    expect(judgeReport(strict).summary.status).toBe('fail');
    expect(applyBudgets(strict, []).summary).toMatchObject({ status: 'fail', failOn: 'warning' });
    expect(applyBudgets(strict, [], { failOn: 'budgets' }).summary.status).toBe('no-data');
    expect(mergeReports([strict, report]).summary.failOn).toBe('warning');
    expect(mergeReports([report], { failOn: 'warning' }).summary.status).toBe('fail');
  });

  it('reads a report written before failOn existed (no failOn, no reasons) and judges it by the default', () => {
    const old = JSON.parse(JSON.stringify(passingBudgetsWith('critical', 'budgets')));
    delete old.summary.failOn;
    delete old.summary.reasons;
    const parsed = parseReport(old);
    expect(parsed.summary.status).toBe('pass');
    expect(judgeReport(parsed).summary.status).toBe('fail');
  });
});

describe('toPass (vitest)', () => {
  it('passes a report whose budgets pass and that has no critical finding', () => {
    expect(passingBudgetsWith('warning')).toPass();
    expect(passingBudgetsWith()).toPass({ failOn: 'warning' });
  });

  it('fails on a critical finding, naming it, while toMeetBudgets keeps meaning budgets only', () => {
    const report = passingBudgetsWith('critical');
    expect(report).toMeetBudgets();
    expect(report).not.toPass();
    const result = toPass(report);
    expect(result.pass).toBe(false);
    expect(result.message()).toContain(
      "expected the report to pass (failOn 'critical'), but its status is fail:",
    );
    expect(result.message()).toContain(
      '  critical finding db.n-plus-one: N+1 on GET /api/contributions (×1)',
    );
    expect(report).toPass({ failOn: 'budgets' });
  });

  it('fails on warnings under failOn warning, and on missing data', () => {
    expect(passingBudgetsWith('warning')).not.toPass({ failOn: 'warning' });
    expect(createAudit({ subject: 'empty' })).not.toPass();
    expect(passingBudgetsWith()).not.toPass({
      budgets: defineBudgets({ 'db.client.operation.duration': 'p95 < 5ms' }),
    });
  });
});
