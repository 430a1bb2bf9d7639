import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditReport, createAudit, defineBudgets } from '@perf/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { capture } from './captureIo.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-cli-fix-'));
});
async function write(name: string, report: AuditReport): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(report));
  return path;
}

const LONG_ROUTE = '/api/brands/:brandId/channels/:channelId/contributions/weekly/breakdown';

/** Budgets that pass, an N+1 of the given severity with its impact, and a warning. */
function report(severity: 'warning' | 'critical', latency = 20): AuditReport {
  const audit = createAudit({
    subject: 'cli-fix-first',
    budgets: defineBudgets({ 'http.server.request.duration': 'p95 < 200ms' }),
  });
  for (const [method, status] of [
    ['GET', '2xx'],
    ['POST', '5xx'],
  ] as const) {
    const h = audit.histogram('http.server.request.duration', {
      'http.request.method': method,
      'http.route': LONG_ROUTE,
      'http.status_class': status,
      'server.address': 'api-1.internal.example',
    });
    for (let i = 0; i < 100; i++) h.record(latency + (method === 'POST' ? 50 : 0));
  }
  audit.finding({
    rule: 'db.n-plus-one',
    key: 'GET /api/contributions',
    area: 'database',
    severity,
    title: 'N+1 on GET /api/contributions',
    recommendation: 'Load the channels in one query.',
    impact: { share: 0.38, of: 'request time', scope: 'GET /api/contributions', savingMs: 1200, basis: 'b' },
    how: { method: 'exact', source: 'test' },
    count: 142,
  });
  audit.finding({
    rule: 'cache.low-hit-rate',
    area: 'backend',
    severity: 'warning',
    title: 'Cache hit rate 0%',
    recommendation: 'Key the cache without a timestamp.',
    how: { method: 'exact', source: 'test' },
  });
  return audit.report();
}

describe('perf-audit check: Fix first and a status that tells the truth', () => {
  it('opens with Fix first, each entry with where, gain and fix', async () => {
    const io = capture();
    await run(['check', await write('w.json', report('warning'))], io);
    const lines = io.stdout.split('\n');
    expect(lines[0]).toMatch(/^perf-audit: cli-fix-first {2}PASS/);
    expect(lines.indexOf('Fix first')).toBeLessThan(lines.findIndex((l) => l.startsWith('  backend')));
    expect(io.stdout).toContain(
      [
        '  1. warning  N+1 on GET /api/contributions  db.n-plus-one ×142',
        '     where: GET /api/contributions',
        '     gain:  explains ~38% of GET /api/contributions request time; fixing it saves ~1.2 s over 142 occurrences',
        '     fix:   Load the channels in one query.',
      ].join('\n'),
    );
  });

  it('exits 1 on a critical finding though every budget passes, and says which finding', async () => {
    const io = capture();
    expect(await run(['check', await write('c.json', report('critical'))], io)).toBe(1);
    expect(io.stdout).toMatch(/^perf-audit: cli-fix-first {2}FAIL/);
    expect(io.stdout).toContain(
      '  failed: critical finding db.n-plus-one: N+1 on GET /api/contributions (×142)',
    );
    expect(io.stderr).toContain('FAIL (fails on critical): 0 of 1 budgets did not pass');
    expect(io.stderr).toContain('  critical finding db.n-plus-one: N+1 on GET /api/contributions (×142)');
  });

  it('--fail-on budgets passes the same report; --fail-on warning fails on a warning', async () => {
    const critical = await write('c2.json', report('critical'));
    expect(await run(['check', critical, '--fail-on', 'budgets'], capture())).toBe(0);
    const warning = await write('w2.json', report('warning'));
    expect(await run(['check', warning], capture())).toBe(0);
    const io = capture();
    expect(await run(['check', warning, '--fail-on', 'warning'], io)).toBe(1);
    expect(io.stderr).toContain('FAIL (fails on warning)');
    expect(io.stderr).toContain('  warning finding cache.low-hit-rate: Cache hit rate 0% (×1)');
  });

  it('rejects an unknown --fail-on with exit 2', async () => {
    const io = capture();
    expect(await run(['check', await write('x.json', report('warning')), '--fail-on', 'info'], io)).toBe(2);
    expect(io.stderr).toContain("--fail-on takes budgets, critical or warning, got 'info'");
    expect(await run(['report', await write('y.json', report('warning')), '--fail-on', 'x'], capture())).toBe(
      2,
    );
  });

  it('prints each failing budget’s failing series in full, every attribute', async () => {
    const io = capture();
    expect(
      await run(['check', await write('slow.json', report('warning', 300)), '--fail-on', 'budgets'], io),
    ).toBe(1);
    expect(io.stdout).toContain('Failing budgets, each failing series in full');
    expect(io.stdout).toContain('  ✗ http.server.request.duration p95 < 200ms: 2 of 2 series failed');
    expect(io.stdout).toContain(
      `      350 ms     POST ${LONG_ROUTE} 5xx {server.address=api-1.internal.example}`,
    );
    expect(io.stdout).toContain(
      `      300 ms     GET ${LONG_ROUTE} 2xx {server.address=api-1.internal.example}`,
    );
  });

  it('report --fail-on judges the rendered status', async () => {
    const src = await write('r.json', report('warning'));
    const io = capture();
    expect(await run(['report', src, '--format', 'md', '--fail-on', 'warning'], io)).toBe(0);
    expect(io.stdout).toContain('**Overall: ❌ fail**');
    expect(io.stdout).toContain('- warning finding db.n-plus-one: N+1 on GET /api/contributions (×142)');
  });
});

describe('perf-audit diff labels every row with its whole series', () => {
  it('tells apart series that share a route: method and status class are on every row', async () => {
    const make = (ms: number) => {
      const audit = createAudit({ subject: 'd' });
      for (const [method, route, status] of [
        ['GET', '/api/brands', '2xx'],
        ['GET', '/api/brands', '4xx'],
        ['POST', 'unmatched', '4xx'],
        ['GET', 'unmatched', '4xx'],
      ] as const) {
        const h = audit.histogram('http.server.request.duration', {
          'http.request.method': method,
          'http.route': route,
          'http.status_class': status,
        });
        for (let i = 0; i < 50; i++) h.record(ms + i);
      }
      if (ms > 100)
        audit.histogram('db.client.operation.duration', { 'db.query.fingerprint': 'f1' }).record(3);
      return audit.report();
    };
    const io = capture();
    expect(await run(['diff', await write('b.json', make(10)), await write('h.json', make(200))], io)).toBe(
      0,
    );
    const rows = io.stdout.split('\n').filter((l) => l.includes('regression'));
    expect(rows).toHaveLength(8);
    const labels = rows.map((r) => r.replace(/ (p50|p95):.*$/, ' $1').trim());
    expect(new Set(labels).size).toBe(8);
    expect(labels).toContain('regression  http.server.request.duration GET /api/brands 4xx p95');
    expect(labels).toContain('regression  http.server.request.duration POST unmatched 4xx p95');
    expect(io.stdout).toContain(
      '  only in head: 1 series\n    db.client.operation.duration db.query.fingerprint=f1\n',
    );
  });
});
