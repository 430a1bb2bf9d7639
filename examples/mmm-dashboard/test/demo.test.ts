import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type AuditReport, diffReports, type Finding, parseReport } from '@perf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireChromium } from '../../../test-support/services.js';

const exec = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const chromium = requireChromium();

/** Runs the real demo (a shortened load) in its own process, as `pnpm demo --quick` would. */
async function demo(
  out: string,
  ...flags: string[]
): Promise<{ report: AuditReport; stdout: string; stderr: string }> {
  const sqlite = join(out, 'mmm.sqlite');
  const { stdout, stderr } = await exec(
    process.execPath,
    ['--import', 'tsx', 'src/demo/run.ts', '--quick', '--out', out, ...flags],
    {
      cwd: root,
      env: { ...process.env, MMM_SQLITE: sqlite },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 200_000,
    },
  );
  return { report: parseReport(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))), stdout, stderr };
}

const byRule = (r: AuditReport, rule: string) => r.findings.filter((f) => f.rule === rule);
const route = (f: Finding) => JSON.stringify(f.evidence) + f.key + f.title;

describe('the MMM demo, end to end', () => {
  let out: string;
  let unfixed: Awaited<ReturnType<typeof demo>>;
  let fixed: Awaited<ReturnType<typeof demo>>;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'mmm-demo-'));
    unfixed = await demo(out);
    fixed = await demo(out, '--fixed');
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('shows progress and a console summary, and writes json, md and html', () => {
    expect(unfixed.stderr).toMatch(/\[1\/7\] seeding the MMM database… done/);
    expect(unfixed.stdout).toContain('perf-audit: mmm-dashboard');
    for (const f of ['report.json', 'report.md', 'report.html'])
      expect(readFileSync(join(out, f), 'utf8').length).toBeGreaterThan(500);
  });

  it('finds the N+1 over channels with its route and count', () => {
    const [n1] = byRule(unfixed.report, 'db.n-plus-one');
    expect(n1, 'db.n-plus-one').toBeDefined();
    expect(route(n1!)).toContain('/api/brands/:brandId/contributions');
    expect(JSON.stringify(n1!.evidence)).toMatch(/"count":1[2-9]|"repeats":1[2-9]|×1[2-9]/);
  });

  it('finds the missing index on weekly_media.week with a CREATE INDEX suggestion', () => {
    const mi = byRule(unfixed.report, 'db.missing-index').find(
      (f) => /weekly_media/.test(route(f)) && /week/.test(route(f)),
    );
    expect(mi, 'db.missing-index on weekly_media').toBeDefined();
    expect(route(mi!) + mi!.recommendation).toMatch(/CREATE INDEX .*weekly_media.*\(.*week/i);
  });

  it('finds the blocked event loop with the route in flight', () => {
    const blocked = byRule(unfixed.report, 'node.event-loop-blocked');
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked.map(route).join()).toContain('/api/brands/:brandId/roi-curves');
  });

  it('finds the unpaginated listing and the cache that is never hit', () => {
    expect(byRule(unfixed.report, 'db.unbounded-result').map(route).join()).toMatch(/weekly_media/);
    const cache = byRule(unfixed.report, 'cache.low-hit-rate');
    expect(cache.map(route).join()).toContain('scenarios');
  });

  it('reports the ML jobs: phases, peak memory and throughput', () => {
    const phases = unfixed.report.metrics
      .filter((m) => m.name === 'ml.job.phase.duration')
      .map((m) => m.attributes['ml.job.phase']);
    expect(phases).toEqual(expect.arrayContaining(['load-data', 'preprocess', 'fit', 'save']));
    expect(
      unfixed.report.metrics.some(
        (m) => m.name === 'ml.job.memory.peak' && m.kind === 'gauge' && m.max > 10e6,
      ),
    ).toBe(true);
    const tput = unfixed.report.metrics.find((m) => m.name === 'ml.batch.throughput');
    expect(tput?.kind === 'gauge' && tput.value).toBeGreaterThan(1000);
  });

  it.runIf(chromium)('has web vitals from the dashboard in Chromium', () => {
    const names = new Set(unfixed.report.metrics.map((m) => m.name));
    for (const v of ['webvitals.fcp', 'webvitals.lcp', 'webvitals.ttfb']) expect(names.has(v), v).toBe(true);
    expect(byRule(unfixed.report, 'react.unnecessary-render').map(route).join()).toContain('ChannelTable');
  });

  it('with --fixed, those findings are gone and p95 improves', () => {
    for (const rule of ['db.n-plus-one', 'db.unbounded-result', 'cache.low-hit-rate']) {
      expect(byRule(fixed.report, rule), rule).toEqual([]);
    }
    // The ROI simulation no longer blocks the loop. Short stalls can remain under the 96-connection stress
    // load on SQLite, whose driver is synchronous (the CPU profile shows Statement.all): fewer and shorter,
    // and none that names the ROI route alone.
    // The app's own blocks (cause cpu): a busy CI machine adds starved stalls to both runs alike.
    const stalls = (r: AuditReport) =>
      r.metrics.find(
        (m) =>
          m.name === 'nodejs.eventloop.stall.duration' &&
          ['cpu', 'unknown'].includes(String(m.attributes['nodejs.eventloop.stall.cause'])),
      );
    const before = stalls(unfixed.report);
    const after = stalls(fixed.report);
    expect(before?.kind).toBe('histogram');
    if (after?.kind === 'histogram' && before?.kind === 'histogram') {
      expect(after.count).toBeLessThan(before.count);
      expect(after.max).toBeLessThan(before.max);
    }
    const blockedFixed = byRule(fixed.report, 'node.event-loop-blocked');
    expect(blockedFixed.filter((f) => f.severity === 'critical')).toEqual([]);
    // A stall under the stress load can still name the ROI route when its requests were the ones in flight
    // through it (one CI run in four saw a 148 ms SQLite stall with six of them running); what the fix must
    // show is that no such stall is as long as the simulation's own.
    const isRoi = (f: Finding) => route(f).includes('/roi-curves');
    const stallMs = (f: Finding) => Number((f.evidence.details as { stallMs?: number } | undefined)?.stallMs);
    const roiUnfixed = byRule(unfixed.report, 'node.event-loop-blocked').filter(isRoi).map(stallMs);
    expect(roiUnfixed.length).toBeGreaterThan(0);
    for (const f of blockedFixed.filter(isRoi)) expect(stallMs(f)).toBeLessThan(Math.max(...roiUnfixed));
    expect(
      byRule(fixed.report, 'db.missing-index').filter(
        (f) => /weekly_media/.test(route(f)) && /\bweek\b/.test(route(f)),
      ),
    ).toEqual([]);
    if (chromium)
      expect(byRule(fixed.report, 'react.unnecessary-render').map(route).join()).not.toContain(
        'ChannelTable',
      );
    const gains = diffReports(unfixed.report, fixed.report).changes.filter(
      (c) =>
        c.name === 'http.server.request.duration' && c.statistic === 'p95' && c.verdict === 'improvement',
    );
    expect(gains.map((g) => g.attributes['http.route'])).toEqual(
      expect.arrayContaining(['/api/brands/:brandId/roi-curves']),
    );
    expect(fixed.stdout).toContain('unfixed -> fixed, p95 per series');
  });
});
