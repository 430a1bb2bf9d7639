import {
  type AuditReport,
  budgetSeries,
  componentRenders,
  consoleReporter,
  createAudit,
  defineBudgets,
  detailFields,
  type FindingInput,
  formatSeries,
  formatValue,
  htmlReporter,
  markdownReporter,
  reviewChecklist,
} from '@perf/core';
import { describe, expect, it } from 'vitest';
import { findingInput } from './fixtures.js';

const HOSTILE_TITLE =
  'N+1 on <img src=x onerror=alert(1)> **bold** [link](javascript:alert(2)) `code` | pipe';
const HOSTILE_ROUTE = 'GET /x/<script>alert(3)</script>_*_';

/** A report a user would act on: a budget that passes, an N+1 with its impact, slow queries, a render problem. */
function actionableReport(extra: FindingInput[] = []): AuditReport {
  const audit = createAudit({
    subject: 'mmm-api',
    budgets: defineBudgets({ 'http.server.request.duration': 'p95 < 2s' }),
  });
  const h = audit.histogram('http.server.request.duration', {
    'http.request.method': 'GET',
    'http.route': '/api/contributions',
    'http.status_class': '2xx',
  });
  for (let i = 1; i <= 142; i++) h.record(20 + i);
  for (let i = 0; i < 4; i++)
    audit.finding(
      findingInput({ rule: 'db.slow-query', key: `fp${i}`, title: `Slow query on t${i}`, count: 5 }),
    );
  audit.finding(
    findingInput({
      rule: 'db.n-plus-one',
      key: 'GET /api/contributions',
      severity: 'critical',
      title: 'N+1 on GET /api/contributions',
      impact: {
        share: 0.38,
        of: 'request time',
        scope: 'GET /api/contributions',
        savingMs: 1200,
        basis: '11 of 12 queries per request',
      },
      evidence: {
        attributes: { 'http.route': '/api/contributions' },
        details: {
          queriesPerRequest: 12,
          rows_examined: 29952,
          plan: { table: 'weekly_media', type: 'ALL', keys: ['week', 'brand_id'] },
          routes: [{ route: '/a', n: 3 }],
        },
      },
      recommendation: 'Load the channels in one query (WHERE channel_id IN (...)).',
      count: 142,
    }),
  );
  for (const f of extra) audit.finding(f);
  return audit.report();
}

const hostile = () =>
  actionableReport([
    findingInput({
      rule: 'react.unnecessary-render',
      key: 'hostile',
      severity: 'critical',
      title: HOSTILE_TITLE,
      impact: { share: 0.9, of: 'render time', scope: HOSTILE_ROUTE, savingMs: 99_999, basis: '<b>x</b>' },
      recommendation: 'Wrap in React.memo <script>alert(4)</script> *now*',
    }),
  ]);

describe('Fix first opens every reporter', () => {
  const report = actionableReport();

  it('console: after the status line and why it failed, before areas, budgets and findings', () => {
    const out = consoleReporter.render(report, { color: false });
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^perf-audit: mmm-api {2}FAIL/);
    expect(lines[1]).toBe('  failed: critical finding db.n-plus-one: N+1 on GET /api/contributions (×142)');
    expect(lines[3]).toBe('Fix first');
    expect(lines.slice(4, 8)).toEqual([
      '  1. critical N+1 on GET /api/contributions  db.n-plus-one ×142',
      '     where: GET /api/contributions',
      '     gain:  explains ~38% of GET /api/contributions request time; fixing it saves ~1.2 s over 142 occurrences',
      '     fix:   Load the channels in one query (WHERE channel_id IN (...)).',
    ]);
    expect(out.indexOf('Fix first')).toBeLessThan(out.indexOf('  backend '));
    expect(out.indexOf('Fix first')).toBeLessThan(out.indexOf('Budgets'));
    expect(out.match(/^ {2}\d\. /gm)).toHaveLength(5);
  });

  it('markdown: a numbered list with where, gain and fix right under the overall status', () => {
    const md = markdownReporter.render(report);
    expect(md).toContain('**Overall: ❌ fail**');
    expect(md).toContain('- critical finding db.n-plus-one: N+1 on GET /api/contributions (×142)');
    const start = md.indexOf('## Fix first');
    expect(start).toBeGreaterThan(0);
    expect(start).toBeLessThan(md.indexOf('| Area |'));
    expect(md.slice(start)).toContain(
      [
        '1. **N+1 on GET /api/contributions** (`db.n-plus-one`, critical, ×142)',
        '   - where: GET /api/contributions',
        '   - gain: explains \\~38% of GET /api/contributions request time; fixing it saves \\~1.2 s over 142 occurrences',
        '   - fix: Load the channels in one query (WHERE channel\\_id IN (...)).',
        '2. **Slow query on t0**',
      ].join('\n'),
    );
  });

  it('html: a Fix first section before the summary, with the gain and the fix', () => {
    const html = htmlReporter.render(report);
    const start = html.indexOf('<h2>Fix first</h2>');
    expect(start).toBeGreaterThan(0);
    expect(start).toBeLessThan(html.indexOf('<h2>Summary by area</h2>'));
    const section = html.slice(start, html.indexOf('</section>', start));
    expect(section).toContain('N+1 on GET /api/contributions');
    expect(section).toContain(
      'explains ~38% of GET /api/contributions request time; fixing it saves ~1.2 s over 142 occurrences',
    );
    expect(section).toContain('<b>Fix:</b> Load the channels in one query (WHERE channel_id IN (...)).');
    expect(section.match(/<li class="sev-/g)).toHaveLength(5);
    expect(html).toContain('<div class="why"><b>Why it fails</b>');
  });

  it('says there is nothing to fix first when there are no findings', () => {
    const empty = createAudit({ subject: 'clean' }).report();
    expect(consoleReporter.render(empty, { color: false })).toContain('  nothing to fix first: no findings');
    expect(markdownReporter.render(empty)).toContain('Nothing to fix first: no findings.');
    expect(htmlReporter.render(empty)).toContain('Nothing to fix first: no findings.');
  });

  it('escapes hostile titles, routes and recommendations in markdown and HTML', () => {
    const r = hostile();
    const md = markdownReporter.render(r);
    const fix = md.slice(md.indexOf('## Fix first'), md.indexOf('| Area |'));
    expect(fix).toContain(
      '1. **N+1 on \\<img src=x onerror=alert(1)\\> \\*\\*bold\\*\\* \\[link\\](javascript:alert(2)) \\`code\\` \\| pipe**',
    );
    expect(fix).toContain('   - where: GET /x/\\<script\\>alert(3)\\</script\\>\\_\\*\\_');
    expect(fix).toContain('   - fix: Wrap in React.memo \\<script\\>alert(4)\\</script\\> \\*now\\*');
    expect(md).not.toMatch(/(?<!\\)<(script|img)/);
    const html = htmlReporter.render(r);
    expect(html).not.toMatch(/<(script|img|b>x)/);
    expect(html).toContain('N+1 on &lt;img src=x onerror=alert(1)&gt; **bold**');
    expect(html).toContain('GET /x/&lt;script&gt;alert(3)&lt;/script&gt;_*_');
    const plain = consoleReporter.render(r, { color: false });
    expect(plain).toContain(`  1. critical ${HOSTILE_TITLE}`);
  });
});

describe('findings within a severity', () => {
  it('are listed by impact in markdown and HTML, not by how often a threshold was crossed', () => {
    const index = findingInput({
      rule: 'db.missing-index',
      key: 'weekly_media.week',
      title: 'Full scan of weekly_media',
      impact: { share: 0.7, of: 'query time', savingMs: 500, basis: 'b' },
    });
    const r = actionableReport([index]);
    const md = markdownReporter.render(r);
    const warnings = md.slice(md.indexOf('### warning'));
    expect(warnings.indexOf('Full scan of weekly_media')).toBeLessThan(warnings.indexOf('Slow query on t0'));
    const html = htmlReporter.render(r);
    const h = html.slice(html.indexOf('<h3>warning'));
    expect(h.indexOf('Full scan of weekly_media')).toBeLessThan(h.indexOf('Slow query on t0'));
  });
});

describe('readable HTML', () => {
  it('shows each finding’s recommendation and impact outside the collapsed evidence', () => {
    const html = htmlReporter.render(actionableReport());
    const findings = html.slice(html.indexOf('<h2>Findings</h2>'));
    const first = findings.slice(findings.indexOf('<div class="finding'), findings.indexOf('<details'));
    expect(first).toContain('<p class="rec"><b>Recommendation:</b> Load the channels in one query');
    expect(first).toContain('<p class="gain">explains ~38% of GET /api/contributions request time');
    expect(findings.match(/<p class="rec">/g)).toHaveLength(5);
  });

  it('renders finding details as labelled fields, not raw JSON', () => {
    const html = htmlReporter.render(actionableReport());
    expect(html).not.toContain('"queriesPerRequest"');
    expect(html).toContain('<dt>queries per request</dt><dd>12</dd>');
    expect(html).toContain('<dt>rows examined</dt><dd>29,952</dd>');
    expect(html).toContain('<dt>plan › keys</dt><dd>week, brand_id</dd>');
    expect(html).toContain('<dt>routes</dt><dd>(route=/a, n=3)</dd>');
    const md = markdownReporter.render(actionableReport());
    expect(md).toContain('  - queries per request: 12');
    expect(md).toContain('  - plan › type: ALL');
  });

  it('has a per-component render table from the react metrics, most unnecessary renders first', () => {
    const audit = createAudit({ subject: 'web' });
    const renders = (c: string, mounts: number, updates: number, unnecessary: number) => {
      audit.counter('react.render.count', { 'react.component': c, 'react.phase': 'mount' }).add(mounts);
      audit.counter('react.render.count', { 'react.component': c, 'react.phase': 'update' }).add(updates);
      if (unnecessary)
        audit
          .counter('react.render.unnecessary', { 'react.component': c }, { unit: '{render}' })
          .add(unnecessary);
      audit.gauge('react.component.mounted', { 'react.component': c }, { unit: '{instance}' }).set(mounts);
    };
    renders('Dashboard', 1, 4, 0);
    renders('ChannelTable', 2, 40, 36);
    renders('<Evil onload=x>', 1, 1, 0);
    audit
      .histogram('react.render.duration', { 'react.component': 'ChannelTable', 'react.phase': 'update' })
      .record(3);
    audit
      .histogram('react.render.duration', { 'react.component': 'ChannelTable', 'react.phase': 'mount' })
      .record(9);
    const report = audit.report();
    expect(componentRenders(report)).toEqual([
      { component: 'ChannelTable', mounts: 2, updates: 40, unnecessary: 36, mounted: 2, renderMs: 12 },
      { component: 'Dashboard', mounts: 1, updates: 4, unnecessary: 0, mounted: 1 },
      { component: '<Evil onload=x>', mounts: 1, updates: 1, unnecessary: 0, mounted: 1 },
    ]);
    const html = htmlReporter.render(report);
    expect(html).toContain('<h2>Renders per component</h2>');
    expect(html).toContain(
      '<tr><td><code>ChannelTable</code></td><td>2</td><td>40</td><td><b>36</b></td><td>2</td><td>12 ms</td></tr>',
    );
    expect(html).toContain('<code>&lt;Evil onload=x&gt;</code>');
    expect(markdownReporter.render(report)).toContain('| ChannelTable | 2 | 40 | 36 | 2 | 12 ms |');
    expect(htmlReporter.render(actionableReport())).not.toContain('Renders per component');
  });

  it('shows CLS unitless and throughput with SI suffixes', () => {
    const audit = createAudit({ subject: 'x' });
    audit.histogram('webvitals.cls').record(0.062);
    audit.gauge('ml.batch.throughput', { 'ml.job.name': 'scenarios' }).set(2.3e9);
    audit
      .histogram('ml.job.phase.duration', { 'ml.job.name': 'scenarios', 'ml.job.phase': 'score' })
      .record(10);
    const html = htmlReporter.render(audit.report());
    expect(html).toMatch(/<div class="big">0\.06\d?<\/div>/);
    expect(html).not.toMatch(/6\.\d%/);
    expect(html).toContain('throughput 2.3G/h');
    expect(markdownReporter.render(audit.report())).toContain('| 2.3G/h |');
  });
});

describe('formatting', () => {
  it('formats rates with SI suffixes and unitless scores as numbers', () => {
    expect(formatValue(2.3e9, '/h')).toBe('2.3G/h');
    expect(formatValue(12_500, '/s')).toBe('12.5k/s');
    expect(formatValue(1_500_000, '/h')).toBe('1.5M/h');
    expect(formatValue(950, '/h')).toBe('950/h');
    expect(formatValue(2.5, '/s')).toBe('2.5/s');
    expect(formatValue(0.062, '1', 'webvitals.cls')).toBe('0.06');
    expect(formatValue(0.004, '1', 'webvitals.cls')).toBe('0.004');
    expect(formatValue(0.062, '1')).toBe('6.2%');
    expect(formatValue(300, '1', 'db.server.statement.rows_examined_per_sent')).toBe('300');
  });

  it('names a series in full: method, route and status class first, then every other attribute', () => {
    expect(
      formatSeries({ 'http.route': '/api/brands', 'http.status_class': '2xx', 'http.request.method': 'GET' }),
    ).toBe('GET /api/brands 2xx');
    expect(
      formatSeries({
        'http.route': 'unmatched',
        'http.request.method': 'POST',
        'http.status_class': '4xx',
        x: 1,
      }),
    ).toBe('POST unmatched 4xx {x=1}');
    expect(formatSeries({ 'db.query.fingerprint': 'a1' })).toBe('db.query.fingerprint=a1');
    expect(formatSeries(undefined)).toBe('');
  });

  it('turns details into labelled fields, capped', () => {
    expect(detailFields({ camelCase: true, snake_case: null, nested: { deep: { deeper: 1 } } })).toEqual([
      { label: 'camel case', value: 'true' },
      { label: 'snake case', value: '–' },
      { label: 'nested › deep', value: 'deeper=1' },
    ]);
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'x'.repeat(1000)]));
    const fields = detailFields(many);
    expect(fields).toHaveLength(40);
    expect(fields[0]!.value.length).toBe(400);
    expect(detailFields(undefined)).toEqual([]);
  });
});

describe('budget series', () => {
  it('lists every series a budget checked, failing and worst first, with all attributes', () => {
    const audit = createAudit({
      subject: 's',
      budgets: defineBudgets({ 'http.server.request.duration': 'p95 < 50ms' }),
    });
    const attrs = (route: string) => ({
      'http.request.method': 'GET',
      'http.route': route,
      'http.status_class': '2xx',
      'server.address': 'api-1',
    });
    audit.histogram('http.server.request.duration', attrs('/slow')).record(300);
    audit.histogram('http.server.request.duration', attrs('/slower')).record(900);
    audit.histogram('http.server.request.duration', attrs('/fast')).record(5);
    const report = audit.report();
    expect(budgetSeries(report, report.budgets[0]!).map((s) => [s.attributes['http.route'], s.pass])).toEqual(
      [
        ['/slower', false],
        ['/slow', false],
        ['/fast', true],
      ],
    );
    expect(budgetSeries(report, report.budgets[0]!)[0]!.attributes).toEqual(attrs('/slower'));
  });
});

describe('checklist', () => {
  it('does not tick "Database queries use proper indexes" while a missing-index finding exists, even info', () => {
    const audit = createAudit({ subject: 'dev' });
    audit.histogram('db.client.operation.duration').record(1);
    audit.finding(
      findingInput({
        rule: 'db.missing-index',
        key: 'small',
        severity: 'info',
        title: 'Full scan of 300 rows',
      }),
    );
    const item = reviewChecklist(audit.report()).find(
      (i) => i.label === 'Database queries use proper indexes',
    )!;
    expect(item.status).toBe('fail');
    expect(item.why).toBe('1 finding(s): db.missing-index (1 info)');
  });
});

describe('query time per fingerprint (HTML)', () => {
  it("puts the client's whole time and the server's own mean beside each statement's own time", () => {
    const audit = createAudit({ subject: 'server-time' });
    const fp = { 'db.query.fingerprint': 'f00d', 'db.query.text': 'select * from t where id = ?' };
    const other = { 'db.query.fingerprint': 'beef', 'db.query.text': 'select * from u' };
    for (let i = 0; i < 20; i++) {
      audit.histogram('db.client.operation.duration', fp).record(2);
      audit.histogram('db.client.operation.wall_duration', fp).record(40);
      audit.histogram('db.client.operation.duration', other).record(1);
    }
    audit.gauge('db.server.statement.mean_time', fp, { unit: 'ms' }).set(0.25);
    const html = htmlReporter.render(audit.report());
    const table = html.slice(html.indexOf('Query time per fingerprint'));
    expect(table).toContain('<th>client p95 (loop delay included)</th><th>server mean</th>');
    const rowOf = (text: string) => {
      const start = table.slice(table.indexOf(`<tr><td><code>${text}`));
      return start.slice(0, start.indexOf('</tr>'));
    };
    expect(rowOf('select * from t where id = ?')).toMatch(/<td>40(\.0)? ms<\/td><td>0\.25 ms<\/td>$/);
    expect(rowOf('select * from u')).toMatch(/<td><\/td><td>not read<\/td>$/);
  });
});
