import { consoleReporter, createAudit, defineBudgets, markdownReporter, parseReport } from '@perf/core';
import { describe, expect, it } from 'vitest';
import '@perf/core/vitest';

describe('smoke', () => {
  it('records and reports', () => {
    const audit = createAudit({
      subject: 'x',
      budgets: defineBudgets({ 'http.server.request.duration': 'p95 < 200ms' }),
    });
    const h = audit.histogram('http.server.request.duration', { 'http.route': '/a' });
    for (let i = 1; i <= 100; i++) h.record(i);
    audit.gauge('process.cpu.utilization').set(0.5);
    audit.counter('http.server.requests').add(100);
    const r = parseReport(JSON.parse(JSON.stringify(audit.report())));
    console.log(markdownReporter.render(r));
    console.log(consoleReporter.render(r, { color: false }));
    expect(r).toMeetBudgets();
  });
});
