// The server side of the react beacon: @perf/react/ingest turns raw numbers into the metrics and findings
// the browser used to compute, and refuses a malformed beacon with the bad path named. The last test runs it
// behind a real @perf/node beacon endpoint (the decode hook).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuditReport, createAudit, type Metric, ReportSchemaError, safeParseReport } from '@perf/core';
import { beaconHandler } from '@perf/node';
import { describe, expect, it } from 'vitest';
import {
  decodeReactBeacon,
  estimateBlocking,
  ingestReactBeacon,
  lighthouseScore,
  parseReactBeacon,
  type ReactBeacon,
  reactBeaconDecoder,
  reactBeaconToReport,
} from '../src/ingest.js';

/** Bucket key of a duration, as the agent counts it. */
const key = (ms: number) => String(Math.round(Math.log(ms) * 32));

/** One page view: a load, a navigation, a slow click, resources, renders. */
function beacon(): ReactBeacon {
  return {
    v: 1,
    kind: 'perf-react-beacon',
    subject: { name: 'dashboard', version: '1.4.0' },
    routes: [
      [0, '/'],
      [6000, '/channels'],
      [7000, '/brands'],
      [8000, '/channels'],
      [9000, '/brands'],
    ],
    now: 12_000,
    input: 6500,
    vitals: [
      { n: 'FCP', v: 600, r: 'good', t: 0, at: 600 },
      {
        n: 'LCP',
        v: 3100,
        r: 'needs-improvement',
        t: 0,
        at: 3100,
        el: 'img#hero',
        url: 'https://a.example/hero.png',
      },
      { n: 'CLS', v: 0.31, r: 'poor', t: 0, at: 2000, el: 'main.content' },
      { n: 'TTFB', v: 90, r: 'good', t: 0, at: 0 },
      { n: 'INP', v: 320, r: 'needs-improvement', t: 0, at: 6500 },
    ],
    interactions: [
      [7, 'pointerdown', 6500, 6504, 6505, 320, 'button#slow', ['Counter']],
      [7, 'click', 6510, 6512, 6790, 312, 'button#slow', ['BadItem', 'Counter']],
      [8, 'keydown', 9500, 9501, 9510, 48, 'input#q', []],
    ],
    longTasks: [
      [500, 200],
      [1000, 120],
      [2000, 40],
      [9000, 300],
    ],
    resources: [
      { u: 'https://a.example/assets/index.js', r: '/', i: 'script', n: 1, t: 50_300, e: 50_000, d: 180_000 },
      { u: 'https://a.example/hero.png', r: '/', i: 'img', n: 1, t: 310_000, e: 300_000, d: 300_000 },
      { u: 'https://a.example/logo.webp', r: '/', i: 'img', n: 2, t: 0, e: 400_000, d: 400_000 },
      {
        u: 'https://a.example/api/items',
        r: '/channels',
        i: 'fetch',
        n: 4,
        t: 800,
        e: 600,
        d: 600,
        ms: { [key(20)]: 3, [key(200)]: 1 },
      },
      {
        u: 'https://a.example/api/brands',
        r: '/channels',
        i: 'fetch',
        n: 1,
        t: 100,
        e: 80,
        d: 80,
        ms: { [key(10)]: 1 },
      },
      // Counted in an earlier beacon: sizes still count, loads and findings do not.
      { u: 'https://a.example/old.jpg', r: '/', i: 'img', n: 0, t: 0, e: 900_000, d: 900_000 },
    ],
    renders: [
      {
        c: 'BadItem',
        m: 1,
        u: 12,
        x: 11,
        i: 1,
        p: { style: [11, 'object'], onSelect: [11, 'function'] },
        d: { m: { [key(2)]: 1 }, u: { [key(0.5)]: 10, [key(4)]: 2 } },
      },
      { c: 'Counter', m: 1, u: 1, x: 0, i: 1 },
      { c: 'Row', m: 40, u: 0, x: 0, i: 40, nav: [10, 20, 30, 40] },
      { c: 'Modal', m: 0, u: 0, x: 0, i: 0 },
    ],
    durations: true,
    heap: [
      [5000, 20e6, 4e9],
      [11_000, 35e6, 4e9],
    ],
    faults: 3,
    fault: 'TypeError: x is undefined',
    dropped: { interactions: 2 },
  };
}

const find = (r: AuditReport, name: string, attrs: Record<string, string | boolean> = {}): Metric[] =>
  r.metrics.filter((m) => m.name === name && Object.entries(attrs).every(([k, v]) => m.attributes[k] === v));
const one = (r: AuditReport, name: string, attrs: Record<string, string | boolean> = {}): Metric => {
  const found = find(r, name, attrs);
  expect(found, `${name} ${JSON.stringify(attrs)}`).toHaveLength(1);
  return found[0]!;
};
const value = (m: Metric) => (m.kind === 'histogram' ? m.max : m.value);
const rules = (r: AuditReport, rule: string) => r.findings.filter((f) => f.rule === rule);

describe('reactBeaconToReport', () => {
  const report = reactBeaconToReport(beacon(), { maxApiCallsPerPage: 3 });

  it('is a schema-valid report of the beacon subject', () => {
    expect(safeParseReport(JSON.parse(JSON.stringify(report))).ok).toBe(true);
    expect(report.subject).toEqual({ name: 'dashboard', version: '1.4.0' });
  });

  it('records Core Web Vitals with rating and the route current when each happened', () => {
    expect(value(one(report, 'webvitals.lcp', { 'page.route': '/', rating: 'needs-improvement' }))).toBe(
      3100,
    );
    expect(value(one(report, 'webvitals.inp', { 'page.route': '/channels' }))).toBe(320);
    expect(value(one(report, 'webvitals.cls', { 'page.route': '/' }))).toBe(0.31);
    expect(one(report, 'webvitals.inp').description).toMatch(/replaces FID/);
    expect(find(report, 'webvitals.fid')).toHaveLength(0);
    const lcp = rules(report, 'frontend.slow-lcp');
    expect(lcp.map((f) => f.key)).toEqual(['/ img#hero']);
    expect(lcp[0]!.evidence.details).toMatchObject({
      element: 'img#hero',
      url: 'https://a.example/hero.png',
    });
    expect(rules(report, 'frontend.layout-shift')).toMatchObject([
      { key: '/ main.content', severity: 'warning' },
    ]);
  });

  it('computes TBT and TTI from the load window and the Lighthouse-style score from FCP, LCP, TBT and CLS', () => {
    // Window: FCP 600 to the first input at 6500; the 40 ms task does not block, the 9000 one is after input.
    const est = estimateBlocking(
      [
        { start: 500, duration: 200 },
        { start: 1000, duration: 120 },
        { start: 2000, duration: 40 },
        { start: 9000, duration: 300 },
      ],
      600,
      6500,
    );
    expect(est.tbt).toBe(120);
    expect(value(one(report, 'frontend.tbt', { 'page.route': '/' }))).toBe(est.tbt);
    expect(value(one(report, 'frontend.tti', { settled: est.settled }))).toBe(est.tti);
    const score = lighthouseScore({ fcp: 600, lcp: 3100, tbt: est.tbt, cls: 0.31 }, 'desktop');
    expect(one(report, 'frontend.lighthouse.score', { 'form.factor': 'desktop' })).toMatchObject({
      value: score,
      attributes: { 'page.route': '/' },
    });
    const mobile = reactBeaconToReport(beacon(), { formFactor: 'mobile' });
    expect(one(mobile, 'frontend.lighthouse.score')).toMatchObject({
      value: lighthouseScore({ fcp: 600, lcp: 3100, tbt: est.tbt, cls: 0.31 }, 'mobile'),
    });
    // Every long task, on the route current when it started.
    expect(one(report, 'frontend.longtask.duration', { 'page.route': '/' })).toMatchObject({ count: 3 });
    expect(one(report, 'frontend.longtask.duration', { 'page.route': '/brands' })).toMatchObject({
      count: 1,
    });
  });

  it('names the slow interaction, its phases from all its events, and the components that rendered', () => {
    const slow = rules(report, 'react.slow-interaction');
    expect(slow).toHaveLength(1);
    expect(slow[0]!.key).toBe('/channels button#slow');
    expect(slow[0]!.evidence.details).toMatchObject({
      components: ['Counter', 'BadItem'],
      target: 'button#slow',
      eventType: 'pointerdown',
      events: ['pointerdown', 'click'],
      inputDelay: 4,
      processingDuration: 286,
      presentationDelay: 30,
    });
    expect(slow[0]!.title).toMatch(/320 ms \(rendered Counter, BadItem\)/);
    // The 48 ms keydown is below the default 200 ms; a lower threshold reports it too.
    const strict = reactBeaconToReport(beacon(), { slowInteractionMs: 40 });
    expect(rules(strict, 'react.slow-interaction').map((f) => f.key)).toEqual([
      '/channels button#slow',
      '/brands input#q',
    ]);
  });

  it('turns resources into bytes per route and type, image findings and API calls', () => {
    const size = (route: string, type: string, kind: string) =>
      value(
        one(report, 'frontend.resource.size', {
          'page.route': route,
          'resource.type': type,
          'size.kind': kind,
        }),
      );
    expect(size('/', 'script', 'encoded')).toBe(50_000);
    expect(size('/', 'script', 'decoded')).toBe(180_000);
    expect(size('/', 'image', 'decoded')).toBe(1_600_000);
    expect(
      value(one(report, 'frontend.resource.count', { 'page.route': '/', 'resource.type': 'image' })),
    ).toBe(3);
    const images = rules(report, 'frontend.large-image');
    expect(images.map((f) => f.key)).toEqual(['https://a.example/hero.png']);
    expect(images[0]!.evidence.details).toMatchObject({ bytes: 300_000, format: 'png' });
    expect(one(report, 'frontend.image.size', { 'image.format': 'webp' })).toMatchObject({ count: 2 });
    expect(value(one(report, 'frontend.api.calls', { 'page.route': '/channels' }))).toBe(5);
    const durations = one(report, 'frontend.api.duration', { 'page.route': '/channels' });
    expect(durations).toMatchObject({ count: 5 });
    expect(durations.kind === 'histogram' && durations.max).toBeCloseTo(200, -1);
    const api = rules(report, 'frontend.excessive-api-calls');
    expect(api.map((f) => f.key)).toEqual(['/channels']);
    expect(api[0]!.evidence.details).toEqual({ calls: 5, limit: 3 });
    expect(api[0]!.evidence.samples).toEqual([
      '4× https://a.example/api/items',
      '1× https://a.example/api/brands',
    ]);
    expect(rules(reactBeaconToReport(beacon()), 'frontend.excessive-api-calls')).toHaveLength(0);
  });

  it('turns render counters into counts, durations, mounted gauges and render findings', () => {
    const count = (c: string, phase: string) =>
      value(one(report, 'react.render.count', { 'react.component': c, 'react.phase': phase }));
    expect(count('BadItem', 'mount')).toBe(1);
    expect(count('BadItem', 'update')).toBe(12);
    expect(find(report, 'react.render.count', { 'react.component': 'Modal' })).toHaveLength(0);
    expect(value(one(report, 'react.component.mounted', { 'react.component': 'Row' }))).toBe(40);
    expect(value(one(report, 'react.component.mounted', { 'react.component': 'Modal' }))).toBe(0);
    const updates = one(report, 'react.render.duration', {
      'react.component': 'BadItem',
      'react.phase': 'update',
    });
    // Log buckets of ±1.6 %.
    expect(updates).toMatchObject({ count: 12 });
    expect(updates.kind === 'histogram' && updates.p50).toBeCloseTo(0.5, 1);
    expect(updates.kind === 'histogram' && updates.max).toBeGreaterThan(3.9);
    expect(updates.kind === 'histogram' && updates.max).toBeLessThan(4.1);

    const [bad] = rules(report, 'react.unnecessary-render');
    expect(bad).toMatchObject({ key: 'BadItem', occurrences: 11, severity: 'warning' });
    expect(bad!.evidence.details?.identityOnlyProps).toEqual(['style', 'onSelect']);
    expect(bad!.recommendation).toMatch(/onSelect with useCallback.*style with useMemo/);
    expect(value(one(report, 'react.render.unnecessary', { 'react.component': 'BadItem' }))).toBe(11);

    const leak = rules(report, 'react.leak-suspect');
    expect(leak).toMatchObject([{ key: 'Row' }]);
    expect(leak[0]!.evidence.details).toEqual({ mountedAtNavigations: [10, 20, 30, 40], navigations: 4 });
    // Durations were available: no durations-unavailable note; a production build's beacon says false.
    expect(rules(report, 'react.durations-unavailable')).toHaveLength(0);
    const prod = reactBeaconToReport({ ...beacon(), durations: false });
    expect(rules(prod, 'react.durations-unavailable')).toHaveLength(1);
  });

  it('keeps the heap as gauges and the agent faults and drops in the diagnostics', () => {
    expect(one(report, 'browser.memory.heap.used')).toMatchObject({ value: 35e6, max: 35e6, min: 20e6 });
    expect(value(one(report, 'browser.memory.heap.limit'))).toBe(4e9);
    expect(report.diagnostics.collectorErrors).toEqual([
      { collector: 'react.browser', message: 'TypeError: x is undefined', count: 3 },
    ]);
    expect(report.diagnostics.droppedSeries).toEqual({ '(react beacon: interactions)': 2 });
  });

  it('reads a string subject and cuts over-long strings instead of refusing them', () => {
    const r = reactBeaconToReport({
      ...beacon(),
      subject: 'shop',
      routes: [[0, `/${'x'.repeat(2000)}`]],
      renders: [{ c: 'C'.repeat(1000), m: 1, u: 0, x: 0, i: 1 }],
    });
    expect(r.subject).toEqual({ name: 'shop' });
    const route = one(r, 'webvitals.lcp').attributes['page.route'] as string;
    expect(route.length).toBe(512);
    expect(find(r, 'react.render.count')[0]!.attributes['react.component']).toHaveLength(256);
  });
});

describe('malformed beacons', () => {
  const issues = (input: unknown) => {
    try {
      reactBeaconToReport(input);
    } catch (err) {
      expect(err).toBeInstanceOf(ReportSchemaError);
      return (err as ReportSchemaError).issues;
    }
    throw new Error('expected a ReportSchemaError');
  };

  it('names every bad path', () => {
    const bad = beacon() as unknown as Record<string, unknown>;
    (bad.vitals as { v: unknown }[])[1]!.v = 'slow';
    (bad.renders as { m: unknown }[])[0]!.m = -1;
    (bad.interactions as unknown[][])[0]![5] = Number.NaN;
    bad.resources = 'none';
    const paths = issues(bad).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['vitals.1.v', 'renders.0.m', 'interactions.0.5', 'resources']),
    );
    expect(issues({ ...beacon(), routes: [] }).map((i) => i.path)).toEqual(['routes']);
    expect(
      issues({ ...beacon(), renders: [{ c: 'A', m: 1, u: 0, x: 0, i: 1, d: { u: { soon: 1 } } }] }),
    ).toEqual([{ path: 'renders.0.d.u.soon', message: 'Invalid key in record' }]);
    expect(() => parseReactBeacon(null)).toThrow(ReportSchemaError);
  });

  it('says which version it reads', () => {
    expect(issues({ ...beacon(), v: 2 })).toEqual([
      { path: 'v', message: 'unsupported react beacon version 2; this server reads 1' },
    ]);
  });

  it('loses nothing already recorded when a beacon is refused', () => {
    const audit = createAudit({ subject: 'server' });
    ingestReactBeacon(audit, beacon());
    // Values only: a counter's rate and a gauge's timeline move with the clock.
    const values = () =>
      JSON.stringify(
        audit.report().metrics.map((m) => [m.name, m.attributes, m.kind === 'histogram' ? m.count : m.value]),
      );
    const before = values();
    expect(() => ingestReactBeacon(audit, { ...beacon(), vitals: [{ n: 'FID', v: 1 }] })).toThrow(
      /vitals\.0/,
    );
    expect(values()).toBe(before);
    expect(audit.report().findings.length).toBeGreaterThan(0);
  });
});

describe('behind @perf/node beaconHandler (decode hook)', () => {
  it('decodes react beacons, passes AuditReports through, and answers a malformed beacon with a 400', async () => {
    const report = createAudit({ subject: 'direct' });
    report.histogram('webvitals.lcp', { 'page.route': '/direct' }).record(900);
    const direct = report.report();
    expect(decodeReactBeacon(direct)).toBe(direct);

    const audit = createAudit({ subject: 'server' });
    audit.counter('app.existing', {}, { unit: '{event}' }).add(5);
    const server = http.createServer(
      beaconHandler(audit, { decode: reactBeaconDecoder({ maxApiCallsPerPage: 3 }) }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const post = (body: unknown) =>
      fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'text/plain' } });
    try {
      expect((await post(beacon())).status).toBe(204);
      expect((await post(direct)).status).toBe(204);
      const bad = await post({ ...beacon(), longTasks: [[1, 'long']] });
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as { error: string; message: string; issues: { path: string }[] };
      expect(body.error).toBe('invalid beacon');
      expect(body.message).toMatch(/invalid react beacon/);
      expect(body.issues.map((i) => i.path)).toEqual(['longTasks.0.1']);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    const r = audit.report();
    expect(safeParseReport(JSON.parse(JSON.stringify(r))).ok).toBe(true);
    expect(rules(r, 'frontend.excessive-api-calls')).toHaveLength(1);
    expect(one(r, 'webvitals.lcp', { 'page.route': '/direct' })).toMatchObject({ count: 1 });
    expect(one(r, 'webvitals.lcp', { 'page.route': '/' })).toMatchObject({ count: 1 });
    expect(value(one(r, 'app.existing'))).toBe(5);
    const requests = (result: string) => value(one(r, 'http.beacon.requests', { 'beacon.result': result }));
    expect(requests('accepted')).toBe(2);
    expect(requests('invalid-beacon')).toBe(1);
    // Everything the browser measured is filed under frontend in the server's report, names outside the core
    // catalog included; the server's own counters stay backend.
    const fromBeacon = r.metrics.filter((m) => /^(webvitals|frontend|browser|react)\./.test(m.name));
    expect(new Set(fromBeacon.map((m) => m.name))).toEqual(
      new Set(reactBeaconToReport(beacon()).metrics.map((m) => m.name)),
    );
    for (const m of [
      'frontend.longtask.duration',
      'frontend.resource.size',
      'frontend.api.calls',
      'browser.memory.heap.used',
      'react.component.mounted',
      'react.render.unnecessary',
    ])
      expect(
        fromBeacon.map((x) => x.name),
        m,
      ).toContain(m);
    expect(fromBeacon.filter((m) => m.area !== 'frontend').map((m) => `${m.name} ${m.area}`)).toEqual([]);
    expect(one(r, 'http.beacon.requests', { 'beacon.result': 'accepted' }).area).toBe('backend');
    expect(one(r, 'app.existing').area).toBe('backend');
  });
});
