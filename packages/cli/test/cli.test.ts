import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type AuditReport, createAudit, defineBudgets, Histogram, parseReport } from '@perf/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { capture } from './captureIo.js';

/** A report of `values` recorded as request latencies of one route. */
function reportOf(values: number[], route = '/api/channels'): AuditReport {
  const audit = createAudit({
    subject: 'cli-test',
    budgets: defineBudgets({ 'http.server.request.duration': 'p95 < 200ms' }),
  });
  const h = audit.histogram('http.server.request.duration', {
    'http.route': route,
    'http.request.method': 'GET',
  });
  for (const v of values) h.record(v);
  return audit.report();
}

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

let dir: string;
const file = (name: string) => join(dir, name);
async function write(name: string, content: unknown) {
  await writeFile(file(name), typeof content === 'string' ? content : JSON.stringify(content));
  return file(name);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-cli-'));
});

describe('perf-audit check', () => {
  it('exits 0 when every budget passes', async () => {
    const io = capture();
    const code = await run(['check', await write('fast.json', reportOf(range(100, (i) => 10 + i)))], io);
    expect(code).toBe(0);
    expect(io.stdout).toContain('PASS');
    expect(io.stdout).toContain('http.server.request.duration');
  });

  it('exits 1 when a budget fails and names it', async () => {
    const io = capture();
    const code = await run(['check', await write('slow.json', reportOf(range(100, (i) => 100 + i * 5)))], io);
    expect(code).toBe(1);
    expect(io.stdout).toContain('FAIL');
    expect(io.stderr).toContain('1 of 1 budgets did not pass');
  });

  it('re-evaluates with --budgets (json) and counts missing data as not passing', async () => {
    const report = await write('fast2.json', reportOf(range(100, (i) => 10 + i)));
    const tight = await write('tight.json', { 'http.server.request.duration': 'p95 < 50ms' });
    const io = capture();
    expect(await run(['check', report, '--budgets', tight], io)).toBe(1);
    expect(io.stdout).toMatch(/p95 < 50ms/);
    const missing = await write('missing.json', { 'db.client.operation.duration': 'p95 < 50ms' });
    const io2 = capture();
    expect(await run(['check', report, '--budgets', missing], io2)).toBe(1);
    expect(io2.stdout).toContain('NO DATA');
  });

  it('loads budgets from a JS module', async () => {
    const mod = await write('budgets.mjs', "export default { 'http.server.request.duration': 'p99 < 1s' };");
    const io = capture();
    expect(await run(['check', await write('r.json', reportOf([10, 20, 30])), '--budgets', mod], io)).toBe(0);
    expect(io.stdout).toContain('p99 < 1s');
  });

  it('exits 2 on bad input, naming what is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['check', file('nope.json')], /cannot read .*nope\.json: ENOENT/],
      [['check', await write('bad.json', '{ not json')], /is not valid JSON/],
      [['check', await write('schema.json', { ...reportOf([1]), schemaVersion: 2 })], /schemaVersion/],
      [
        [
          'check',
          await write('ok.json', reportOf([1])),
          '--budgets',
          await write('b.json', { x: 'p95 < 2 parsecs' }),
        ],
        /cannot parse budget|unknown unit/,
      ],
      [['check'], /exactly one report/],
      [['check', file('ok.json'), '--bogus'], /Unknown option/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [[], /perf-audit <command>/],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await run(argv, io), argv.join(' ')).toBe(2);
      expect(io.stderr + io.stdout).toMatch(message);
    }
  });

  it('names the path of a bad field', async () => {
    const bad = reportOf([5]) as unknown as { metrics: { p95: unknown }[] };
    bad.metrics[0]!.p95 = 'fast';
    const io = capture();
    expect(await run(['check', await write('badfield.json', bad)], io)).toBe(2);
    expect(io.stderr).toContain('metrics.0.p95');
  });
});

describe('perf-audit report', () => {
  it('renders md, json and console, to stdout or a file', async () => {
    const src = await write('rep.json', reportOf(range(50, (i) => i + 1)));
    const md = capture();
    expect(await run(['report', src, '--format', 'md'], md)).toBe(0);
    expect(md.stdout).toContain('## Performance Review Checklist');
    const json = capture();
    expect(await run(['report', src, '--format', 'json'], json)).toBe(0);
    expect(parseReport(JSON.parse(json.stdout)).metrics).toHaveLength(1);
    const out = file('rep.md');
    expect(await run(['report', src, '-f', 'md', '-o', out], capture())).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('# Performance audit: cli-test');
    const bad = capture();
    expect(await run(['report', src, '--format', 'pdf'], bad)).toBe(2);
    expect(bad.stderr).toContain("unknown report format 'pdf'");
  });
});

describe('perf-audit merge', () => {
  it('merges histograms exactly: merged percentiles equal one histogram of all values', async () => {
    const a = range(1000, (i) => 1 + ((i * 7919) % 500));
    const b = range(3000, (i) => 50 + ((i * 104729) % 2000) / 3);
    const out = file('merged.json');
    const io = capture();
    expect(
      await run(
        ['merge', await write('a.json', reportOf(a)), await write('b.json', reportOf(b)), '-o', out],
        io,
      ),
    ).toBe(0);
    const merged = parseReport(JSON.parse(await readFile(out, 'utf8')));
    const m = merged.metrics.find((x) => x.name === 'http.server.request.duration');
    const all = new Histogram();
    for (const v of [...a, ...b]) all.record(v);
    expect(m?.kind).toBe('histogram');
    if (m?.kind !== 'histogram') return;
    expect(m.count).toBe(4000);
    expect(m.p95).toBe(all.quantile(0.95));
    expect(m.p50).toBe(all.quantile(0.5));
    expect(m.buckets).toEqual(all.buckets());
    expect(m.runs).toHaveLength(2);
    expect(merged.diagnostics.mergedFrom).toBe(2);
  });
});

describe('perf-audit diff', () => {
  it('reports regressions and improvements and exits 1 beyond --fail-on', async () => {
    const base = await write('base.json', reportOf(range(200, (i) => 100 + (i % 20))));
    const slower = await write('slower.json', reportOf(range(200, (i) => 150 + (i % 20))));
    const io = capture();
    expect(await run(['diff', base, slower], io)).toBe(0);
    expect(io.stdout).toMatch(/regression\s+http\.server\.request\.duration .*p95/);
    const strict = capture();
    expect(await run(['diff', base, slower, '--fail-on', '10%'], strict)).toBe(1);
    expect(strict.stderr).toContain('regression(s) beyond 10.0%');
    const better = capture();
    expect(await run(['diff', slower, base, '--fail-on', '10%'], better)).toBe(0);
    expect(better.stdout).toMatch(/improvement/);
  });

  it('ignores changes within the run-to-run spread of merged repeated runs', async () => {
    // Base: three runs whose p95 spreads widely; head differs from base by less than that spread.
    const runs = [80, 120, 160].map((center, k) =>
      write(`run${k}.json`, reportOf(range(100, (i) => center + (i % 10)))),
    );
    const mergedBase = file('base-runs.json');
    expect(await run(['merge', ...(await Promise.all(runs)), '-o', mergedBase], capture())).toBe(0);
    const headRuns = [90, 130, 170].map((center, k) =>
      write(`head${k}.json`, reportOf(range(100, (i) => center + (i % 10)))),
    );
    const mergedHead = file('head-runs.json');
    expect(await run(['merge', ...(await Promise.all(headRuns)), '-o', mergedHead], capture())).toBe(0);
    const io = capture();
    expect(await run(['diff', mergedBase, mergedHead, '--fail-on', '1%'], io)).toBe(0);
    expect(io.stdout).toContain('0 changed');
  });

  it('rejects a bad threshold with exit 2', async () => {
    const io = capture();
    const r = await write('t.json', reportOf([1]));
    expect(await run(['diff', r, r, '--threshold', 'lots'], io)).toBe(2);
    expect(io.stderr).toContain("--threshold takes a percentage like 10% or 10, got 'lots'");
  });
});

describe('the built bin', () => {
  const bin = new URL('../dist/bin.js', import.meta.url).pathname;
  it('runs as a process with the documented exit codes (run `pnpm build` first)', async () => {
    expect(existsSync(bin), `${bin} is missing: run pnpm build`).toBe(true);
    const exec = promisify(execFile);
    const ok = await exec(process.execPath, [bin, 'check', await write('bin-ok.json', reportOf([1, 2, 3]))]);
    expect(ok.stdout).toContain('PASS');
    const failed = await exec(process.execPath, [
      bin,
      'check',
      await write('bin-slow.json', reportOf([500, 600])),
    ]).catch((e) => e);
    expect(failed.code).toBe(1);
    const bad = await exec(process.execPath, [bin, 'check', file('absent.json')]).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('ENOENT');
  });
});
