import {
  type AuditReport,
  consoleReporter,
  createAudit,
  defineBudgets,
  getReporter,
  htmlReporter,
  jsonReporter,
  markdownReporter,
  parseReport,
  type Reporter,
  registerReporter,
  reviewChecklist,
} from '@perf/core';
import { describe, expect, it } from 'vitest';
import { findingInput, sampleAudit, sampleReport } from './fixtures.js';

/** Cells of a markdown table row, split on unescaped pipes. */
const cells = (row: string) => row.split(/(?<!\\)\|/).slice(1, -1);

/** A report whose app strings carry markdown and terminal hazards. */
function hostileReport(): AuditReport {
  const audit = createAudit({
    subject: 'evil|app\nname\u001b[2J',
    budgets: defineBudgets({
      'http.server.request.duration': 'p95 < 1ms',
      'app.pipe|metric': 'max < 1',
    }),
  });
  audit.histogram('http.server.request.duration', { 'http.route': '/a|b\nc\u0007' }).record(5);
  audit.gauge('app.pipe|metric').set(2);
  audit.finding(
    findingInput({
      title: 'Title with | pipe\nand newline\u001b[31m',
      message: 'message | with\r\nbreaks',
      recommendation: 'Do | this\nthen that',
      evidence: { attributes: { 'http.route': '/x|y' }, samples: ['select |\n 1'] },
    }),
  );
  return audit.report();
}

describe('json reporter', () => {
  it('renders the report as schema JSON that parses back to the same report', () => {
    const report = sampleAudit().report();
    const out = jsonReporter.render(report);
    expect(out.endsWith('\n')).toBe(true);
    expect(parseReport(JSON.parse(out))).toStrictEqual(report);
    expect(jsonReporter.extension).toBe('json');
  });
});

describe('markdown reporter', () => {
  const report = sampleReport();
  const md = markdownReporter.render(report);
  const lines = md.split('\n');

  it('starts with the subject and overall status, then the area table', () => {
    expect(lines[0]).toBe('# Performance audit: mmm-api');
    expect(lines[2]).toContain('**Overall: ❌ fail**');
    expect(md).toContain('| backend | ❌ fail | 1 / 1 / 0 | 1 / 0 / 1 | 4 |');
    expect(md).toContain('| database | ✅ pass | 1 / 0 / 0 | 0 / 1 / 0 | 1 |');
    expect(md).toContain('| ml | ⚪ no data | 0 / 0 / 1 | 0 / 0 / 0 | 0 |');
  });

  it('has the review checklist with each line checked, failed or open from the data', () => {
    const start = lines.indexOf('## Performance Review Checklist');
    expect(start).toBeGreaterThan(0);
    const checklist = lines.slice(start + 2, start + 10);
    expect(checklist).toEqual([
      '- [ ] (no data) Frontend bundle size optimized: no budget on frontend.bundle.size',
      '- [x] Database queries use proper indexes: queries measured, no finding',
      '- [ ] ❌ Caching implemented where beneficial: 1 finding(s): cache.low-hit-rate (1 info)',
      '- [ ] (no data) Memory leaks identified and fixed: no v8js.memory.heap.used metric in the report',
      '- [ ] ❌ API response times meet targets: 1 of 1 budgets on http.server.request.duration failed',
      '- [x] Monitoring and alerting configured: 4 budgets checked on this run',
      '- [ ] ❌ Load testing passes successfully: backend budgets fail',
      '- [ ] (no data) Documentation updated with performance guidelines: not measurable from a report',
    ]);
    expect(reviewChecklist(report).map((i) => i.status)).toEqual([
      'no-data',
      'pass',
      'fail',
      'no-data',
      'fail',
      'pass',
      'fail',
      'no-data',
    ]);
  });

  it('the checklist turns to checked when the data says so', () => {
    const audit = createAudit({
      subject: 'ok',
      budgets: defineBudgets({
        'http.server.request.duration': 'p95 < 200ms',
        'frontend.bundle.size': 'value < 500KB',
      }),
    });
    audit.histogram('http.server.request.duration').record(20);
    audit.gauge('frontend.bundle.size').set(100_000);
    audit.gauge('v8js.memory.heap.used').set(1e7);
    audit.gauge('cache.hit_rate', { 'cache.name': 'c' }).set(0.9);
    audit.histogram('db.client.operation.duration').record(1);
    const items = reviewChecklist(audit.report());
    expect(items.map((i) => i.status)).toEqual([
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
      'no-data',
    ]);
    const missingIndex = createAudit({ subject: 'x' });
    missingIndex.finding(findingInput({ rule: 'db.missing-index', key: 't' }));
    expect(reviewChecklist(missingIndex.report())[1]).toMatchObject({
      status: 'fail',
      why: '1 finding(s): db.missing-index',
    });
  });

  it('lists every budget with status, filter, expression, observed value and failed series', () => {
    const start = lines.indexOf('## Budgets');
    expect(lines[start + 2]).toBe('| Status | Metric | Where | Budget | Observed | Series failed |');
    const rows = lines.slice(start + 4, start + 8);
    expect(rows.map((r) => cells(r).map((c) => c.trim())[0])).toEqual([
      '❌ fail',
      '✅ pass',
      '✅ pass',
      '⚪ no data',
    ]);
    expect(cells(rows[0]!).map((c) => c.trim())).toEqual([
      '❌ fail',
      '`http.server.request.duration`',
      'http.request.method=POST, http.route=/api/fit, http.status\\_class=2xx',
      '`p95 < 200ms`',
      '482.4 ms',
      '1 / 2',
    ]);
    expect(rows[3]).toContain(
      '– (no series of ml.job.duration with {"ml.job.kind":"inference"} in the report)',
    );
  });

  it('groups findings by severity, worst first, with evidence, recommendation and how', () => {
    const findings = md.slice(md.indexOf('## Findings'), md.indexOf('## Metrics'));
    const order = ['### critical (1)', '### warning (1)', '### info (1)'].map((h) => findings.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const warning = findings.slice(order[1], order[2]);
    expect(warning).toContain('- **N+1 queries on spend** (`db.n-plus-one`, ×1)');
    expect(warning).toContain('  - evidence: `db.client.operation.duration` count = 12');
    expect(warning).toContain('  - where: http.route=/api/channels, db.query.fingerprint=a1b2c3');
    expect(warning).toContain('  - sample: `select * from spend where channel_id = ?`');
    expect(warning).toContain('  - at: `src/routes/channels.ts:42:17`');
    expect(warning).toContain(
      '  - recommendation: Load the rows in one query (WHERE channel\\_id IN (...)) or eager-load the relation.',
    );
    expect(warning).toContain('  - measured: exact (@perf/db knex query events)');
    expect(findings).toContain('  - measured: sampled (monitorEventLoopDelay, every 20 ms)');
  });

  it('says so when there are no budgets or findings, and lists profiler diagnostics', () => {
    const audit = createAudit({ subject: 'empty', limits: { maxSeriesPerMetric: 1 } });
    audit.counter('app.c', { k: '1' }).add();
    audit.counter('app.c', { k: '2' }).add();
    audit.safely('collector-x', () => {
      throw new Error('boom');
    });
    const out = markdownReporter.render(audit.report());
    expect(out).toContain('No budgets were configured.');
    expect(out).toContain('No findings.');
    expect(out).toContain('## Profiler diagnostics');
    expect(out).toContain('- `app.c`: 1 series routed to the overflow series (cardinality cap)');
    expect(out).toContain('- `collector-x` error ×1: boom');
  });

  it('escapes pipes and newlines from app strings so tables and lists keep their shape', () => {
    const out = markdownReporter.render(hostileReport());
    const tableRows = out.split('\n').filter((l) => l.startsWith('|'));
    const header = (row: string) => cells(row).length;
    // Every row of a table has as many cells as its header row.
    let columns = 0;
    for (const row of tableRows) {
      if (
        row.startsWith('| Area') ||
        row.startsWith('| Status') ||
        row.startsWith('| Histogram') ||
        row.startsWith('| Metric')
      )
        columns = header(row);
      expect(cells(row), row).toHaveLength(columns);
      expect(row.endsWith('|')).toBe(true);
    }
    expect(out).toContain('# Performance audit: evil\\|app name');
    expect(out).toContain('http.route=/a\\|b c');
    expect(out).toContain('`app.pipe\\|metric`');
    expect(out).toContain('- **Title with \\| pipe and newline');
    expect(out).toContain('  - message \\| with breaks');
    expect(out).toContain('  - recommendation: Do \\| this then that');
    expect(out).toContain('  - sample: `select | 1`');
    // No app string starts a new line of its own.
    expect(out).not.toMatch(/^name/m);
    expect(out).not.toMatch(/^and newline/m);
    expect(out).not.toMatch(/^then that/m);
  });
});

describe('console reporter', () => {
  const report = sampleReport();

  it('has no ANSI codes with color: false and a compact summary, budgets and top findings', () => {
    const out = consoleReporter.render(report, { color: false });
    expect(out).not.toContain('\u001b');
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^perf-audit: mmm-api {2}FAIL {2}\(\d/);
    expect(out).toContain(
      '  backend   FAIL    budgets 1✓ 1✗ 0? · findings 1 critical, 0 warning · 4 metrics',
    );
    expect(out).not.toContain('  frontend ');
    expect(out).toMatch(/ {2}FAIL {5}http\.server\.request\.duration .* p95 < 200ms {2}482\.4 ms/);
    expect(out).toMatch(/NO DATA {2}ml\.job\.duration .* no series of ml\.job\.duration/);
    expect(out).toContain('Top findings (3)');
    expect(out).toContain('  critical node.event-loop-blocked  Event loop blocked for 480 ms ×1');
    const short = consoleReporter.render(report, { color: false, topFindings: 1 });
    expect(short.slice(short.indexOf('Top findings'))).not.toContain('db.n-plus-one');
  });

  it('colours status and severity with color: true', () => {
    const out = consoleReporter.render(report, { color: true });
    expect(out).toContain('\u001b[31mFAIL\u001b[0m');
    expect(out).toContain('\u001b[32mPASS\u001b[0m');
    expect(out).toContain('\u001b[33mNO DATA\u001b[0m');
    expect(out).toContain('\u001b[31mcritical\u001b[0m');
    expect(out).toContain('\u001b[1m');
  });

  it('defaults to colour only when stdout is a TTY', () => {
    const tty = Boolean(process.stdout.isTTY);
    expect(consoleReporter.render(report)).toBe(consoleReporter.render(report, { color: tty }));
  });

  it('strips control characters from app strings, even with colour on', () => {
    const out = consoleReporter.render(hostileReport(), { color: true });
    expect(out).not.toContain('\u001b[2J');
    expect(out).not.toContain('\u0007');
    expect(out).not.toContain('\u001b[31m\n');
    expect(out).toContain('evil|app name [2J');
    expect(out).toContain('Title with | pipe and newline [31m');
    const plain = consoleReporter.render(hostileReport(), { color: false });
    // eslint-style check: no C0/C1 control characters at all except newlines.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the test.
    expect(plain.replaceAll('\n', '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe('reporter registry', () => {
  it('getReporter knows json, md, markdown, console and html, and names them for an unknown format', () => {
    expect(getReporter('json')).toBe(jsonReporter);
    expect(getReporter('md')).toBe(markdownReporter);
    expect(getReporter('markdown')).toBe(markdownReporter);
    expect(getReporter('console')).toBe(consoleReporter);
    expect(getReporter('html')).toBe(htmlReporter);
    expect(() => getReporter('pdf')).toThrow(
      "unknown report format 'pdf': expected one of json, md, markdown, console, html",
    );
  });

  it('registerReporter plugs in a new format under its name and aliases', () => {
    const csv: Reporter = {
      name: 'csv',
      extension: 'csv',
      render: (r) => r.metrics.map((m) => m.name).join('\n'),
    };
    registerReporter(csv, 'comma');
    expect(getReporter('csv')).toBe(csv);
    expect(getReporter('comma').render(sampleReport())).toBe(
      'db.client.operation.duration\nhttp.server.request.duration\nhttp.server.request.duration\nhttp.server.requests\nprocess.cpu.utilization',
    );
    expect(() => getReporter('pdf')).toThrow(
      /expected one of json, md, markdown, console, html, csv, comma$/,
    );
  });
});
