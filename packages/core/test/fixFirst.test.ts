import { createAudit, type FindingInput, fixFirst, gainInWords, parseReport } from '@perf/core';
import { describe, expect, it } from 'vitest';
import { findingInput } from './fixtures.js';

/** A report holding these findings, recorded by a real audit. */
function reportWith(...inputs: FindingInput[]) {
  const audit = createAudit({ subject: 'fix-first' });
  for (const f of inputs) audit.finding(f);
  return audit.report();
}

const slowQuery = (i: number, severity: FindingInput['severity'] = 'warning') =>
  findingInput({ rule: 'db.slow-query', key: `fp${i}`, title: `Slow query on t${i}`, severity, count: 3 });

describe('fixFirst', () => {
  it('ranks by estimated saving, not by how many near-identical warnings there are', () => {
    const nPlusOne = findingInput({
      key: 'GET /api/contributions',
      title: 'N+1 on GET /api/contributions',
      impact: {
        share: 0.38,
        of: 'request time',
        scope: 'GET /api/contributions',
        savingMs: 1200,
        basis: '11 of 12 queries per request',
      },
      count: 142,
    });
    const index = findingInput({
      rule: 'db.missing-index',
      key: 'weekly_media.week',
      title: 'Full scan of weekly_media',
      impact: { share: 0.9, of: 'query time', scope: 'select … where week = ?', savingMs: 300, basis: 'b' },
    });
    const report = reportWith(...Array.from({ length: 15 }, (_, i) => slowQuery(i)), index, nPlusOne);
    const top = fixFirst(report);
    expect(top).toHaveLength(5);
    expect(top.map((t) => t.finding.rule)).toEqual([
      'db.n-plus-one',
      'db.missing-index',
      'db.slow-query',
      'db.slow-query',
      'db.slow-query',
    ]);
    expect(top.map((t) => t.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(top[0]).toMatchObject({
      where: 'GET /api/contributions',
      gain: 'explains ~38% of GET /api/contributions request time; fixing it saves ~1.2 s over 142 occurrences',
    });
    expect(top[1]!.gain).toBe(
      'explains ~90% of select … where week = ? query time; fixing it saves ~300 ms over 1 occurrence',
    );
  });

  it('puts a saving before a share alone, a share before no impact, and severity then occurrences last', () => {
    const report = reportWith(
      findingInput({ rule: 'a.none-critical', key: 'x', severity: 'critical', count: 1 }),
      findingInput({ rule: 'a.none-warning', key: 'x', severity: 'warning', count: 50 }),
      findingInput({ rule: 'a.none-critical-more', key: 'x', severity: 'critical', count: 7 }),
      findingInput({
        rule: 'a.share',
        key: 'x',
        impact: { share: 0.5, of: 'wall time', basis: 'b' },
      }),
      findingInput({
        rule: 'a.saving',
        key: 'x',
        impact: { share: 0.01, of: 'wall time', savingMs: 5, basis: 'b' },
      }),
    );
    expect(fixFirst(report).map((t) => t.finding.rule)).toEqual([
      'a.saving',
      'a.share',
      'a.none-critical-more',
      'a.none-critical',
      'a.none-warning',
    ]);
  });

  it('never leaves a critical finding out for a lower-severity one, even without an impact', () => {
    const saving = (i: number) =>
      findingInput({
        rule: 'db.slow-query',
        key: `s${i}`,
        impact: { share: 0.1, of: 'query time', savingMs: 100 * (10 - i), basis: 'b' },
      });
    const cache = findingInput({ rule: 'cache.low-hit-rate', key: 'scenarios', severity: 'critical' });
    const report = reportWith(saving(1), saving(2), saving(3), saving(4), saving(5), saving(6), cache);
    expect(fixFirst(report).map((t) => t.finding.key)).toEqual(['s1', 's2', 's3', 's4', 'scenarios']);
    expect(fixFirst(report).map((t) => t.rank)).toEqual([1, 2, 3, 4, 5]);
    const criticals = Array.from({ length: 7 }, (_, i) =>
      findingInput({ rule: 'node.event-loop-blocked', key: `c${i}`, severity: 'critical', count: 10 - i }),
    );
    const many = reportWith(saving(1), ...criticals);
    expect(fixFirst(many).map((t) => t.finding.key)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
  });

  it('breaks equal savings by severity, then occurrences', () => {
    const impact = { share: 0.2, of: 'request time' as const, savingMs: 100, basis: 'b' };
    const report = reportWith(
      findingInput({ rule: 'b.warning-few', key: 'x', impact, count: 1 }),
      findingInput({ rule: 'b.warning-many', key: 'x', impact, count: 9 }),
      findingInput({ rule: 'b.critical', key: 'x', impact, severity: 'critical' }),
    );
    expect(fixFirst(report).map((t) => t.finding.rule)).toEqual([
      'b.critical',
      'b.warning-many',
      'b.warning-few',
    ]);
  });

  it('ranks info findings last, and lists them only to reach three entries', () => {
    const big = { share: 1, of: 'query time' as const, savingMs: 99_000, basis: 'b' };
    const infoScan = findingInput({ rule: 'db.missing-index', key: 'small', severity: 'info', impact: big });
    const one = reportWith(infoScan, slowQuery(1));
    expect(fixFirst(one).map((t) => [t.finding.rule, t.finding.severity])).toEqual([
      ['db.slow-query', 'warning'],
      ['db.missing-index', 'info'],
    ]);
    const many = reportWith(infoScan, slowQuery(1), slowQuery(2), slowQuery(3), slowQuery(4));
    expect(fixFirst(many).every((t) => t.finding.severity !== 'info')).toBe(true);
    expect(fixFirst(many)).toHaveLength(4);
    expect(fixFirst(many, { max: 3 })).toHaveLength(3);
  });

  it('never lists a rule and key twice, even in a report that repeats them', () => {
    const report = reportWith(slowQuery(1), slowQuery(2));
    const doubled = parseReport({ ...report, findings: [...report.findings, ...report.findings] });
    expect(fixFirst(doubled).map((t) => t.finding.key)).toEqual(['fp1', 'fp2']);
  });

  it('is pure: the report and its findings are left as they were', () => {
    const report = reportWith(slowQuery(2), slowQuery(1, 'critical'));
    const before = JSON.stringify(report);
    fixFirst(report);
    expect(JSON.stringify(report)).toBe(before);
    expect(fixFirst({ findings: [] })).toEqual([]);
  });

  it('says where from the evidence when the impact has no scope, and when there is no estimate', () => {
    const [item] = fixFirst(reportWith(findingInput({ count: 2 })));
    expect(item!.where).toBe('/api/channels');
    expect(item!.gain).toBe('seen 2 times; no estimate of its share');
    const tiny = findingInput({ impact: { share: 0.004, of: 'render time', scope: 'Chart', basis: 'b' } });
    expect(gainInWords(reportWith(tiny).findings[0]!)).toBe('explains <1% of Chart render time');
  });

  it('words a long scope or a list of routes after the time, and as "there" beside its where', () => {
    const routes = 'GET /api/brands/:brandId/roi-curves, GET /api/media, GET /api/brands and 2 more';
    const stall = findingInput({
      rule: 'node.event-loop-blocked',
      key: 'stall',
      impact: { share: 0.54, of: 'request time', scope: routes, savingMs: 3776, basis: 'b' },
      count: 21,
    });
    const report = reportWith(stall);
    expect(gainInWords(report.findings[0]!)).toBe(
      `explains ~54% of request time in ${routes}; fixing it saves ~3.78 s over 21 occurrences`,
    );
    expect(fixFirst(report)[0]).toMatchObject({
      where: routes,
      gain: 'explains ~54% of request time there; fixing it saves ~3.78 s over 21 occurrences',
    });
  });
});
