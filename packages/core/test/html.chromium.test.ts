import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, requireChromium } from '../../../test-support/services.js';
import { type AuditReport, createAudit, defineBudgets, htmlReporter, parseReport } from '../src/index.js';

const ROUTE = '</script><script>window.__pwned = "route"</script>';
const SQL = `select * from t where name = '"><img src=x onerror="window.__pwned='sql'">'`;
const COMPONENT = '<svg onload="window.__pwned=\'component\'"></svg>';

/** A report with every section filled, and attacker-controlled strings wherever an app string can go. */
function hostileReport(): AuditReport {
  const audit = createAudit({
    subject: { name: '<img src=x onerror="window.__pwned=\'subject\'">', version: '1' },
    budgets: defineBudgets({
      'http.server.request.duration': 'p95 < 200ms',
      'db.client.operation.duration': 'p95 < 50ms',
    }),
  });
  for (let i = 0; i < 500; i++) {
    audit
      .histogram('http.server.request.duration', {
        'http.route': ROUTE,
        'http.request.method': 'GET',
        'http.status_class': '2xx',
      })
      .record(20 + (i % 300));
    audit
      .histogram('http.server.request.duration', {
        'http.route': '/api/ok',
        'http.request.method': 'GET',
        'http.status_class': '2xx',
      })
      .record(5 + (i % 20));
    audit.histogram('db.client.operation.duration', { 'db.query.text': SQL }).record(1 + (i % 80));
    audit.gauge('v8js.memory.heap.used').set(30e6 + i * 1e5);
  }
  audit.histogram('webvitals.lcp', { 'page.route': ROUTE }).record(1800);
  audit.histogram('webvitals.cls', {}).record(0.3);
  audit.histogram('ml.job.phase.duration', { 'ml.job.name': COMPONENT, 'ml.job.phase': 'fit' }).record(1200);
  audit
    .histogram('ml.job.phase.duration', { 'ml.job.name': COMPONENT, 'ml.job.phase': '<b>load</b>' })
    .record(300);
  audit.finding({
    rule: 'react.unnecessary-render',
    area: 'frontend',
    severity: 'critical',
    title: `${COMPONENT} re-rendered with equal props`,
    message: ROUTE,
    evidence: {
      samples: [SQL],
      stack: [`at ${COMPONENT} (app.js:1:1)`],
      attributes: { 'react.component': COMPONENT },
      details: { html: '<script>alert(1)</script>' },
    },
    recommendation: 'Use React.memo <script>window.__pwned="rec"</script>',
    how: { method: 'exact', source: '<i>React Profiler</i>' },
  });
  return parseReport(JSON.parse(JSON.stringify(audit.report())));
}

const chromiumPath = requireChromium();

describe.skipIf(!chromiumPath)('HTML report in headless Chromium', () => {
  let dir: string;
  let file: string;
  let html: string;
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>>;
  const shots = join(import.meta.dirname, '..', 'test-output');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'perf-html-'));
    html = htmlReporter.render(hostileReport());
    file = join(dir, 'report.html');
    writeFileSync(file, html);
    mkdirSync(shots, { recursive: true });
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: chromiumPath!,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  });
  afterAll(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('escapes every app string: no injected element exists and nothing runs', async () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<svg onload/i);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    expect(await page.evaluate(() => (window as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.locator('script, img, iframe, object').count()).toBe(0);
    // The strings are shown to the reader as text.
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('window.__pwned = "route"');
    expect(text).toContain('onerror="window.__pwned=\'sql\'"');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lays out at laptop and phone widths without horizontal overflow, with screenshots', async () => {
    for (const [name, width, height] of [
      ['laptop', 1366, 900],
      ['phone', 390, 844],
    ] as const) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      await page.goto(pathToFileURL(file).href);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name}: page is wider than the viewport`).toBeLessThanOrEqual(0);
      const sections = await page.locator('h2').allInnerTexts();
      expect(sections).toEqual(
        expect.arrayContaining([
          'Summary by area',
          'Budgets',
          'Findings',
          'API latency per route',
          'Query time per fingerprint',
          'Web vitals',
          'Runtime',
          'ML jobs',
        ]),
      );
      expect(await page.locator('svg.chart').count()).toBeGreaterThan(4);
      const path = join(shots, `html-report-${name}.png`);
      await page.screenshot({ path, fullPage: true });
      console.log(`screenshot: ${path}`);
      await page.close();
    }
  });
});
