// Page-agent logic that needs no browser: beacon splitting, TBT/TTI, resource classification, and the fetch
// fallback of sendBody against a real HTTP server (Node 20 has fetch but no navigator.sendBeacon).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAudit, type Metric, parseReport } from '@perf/core';
import { describe, expect, it } from 'vitest';
import { redactUrlPath, sendBody, splitBeacon } from '../src/index.js';
import {
  classifyResource,
  estimateBlocking,
  imageFormat,
  type ReactBeacon,
  ReactBeaconSchema,
  reactBeaconToReport,
} from '../src/ingest.js';

/** A beacon with many resources and components: about 90 KB of JSON. */
function bigBeacon(): ReactBeacon {
  return {
    v: 1,
    kind: 'perf-react-beacon',
    subject: { name: 'split' },
    routes: [
      [0, '/'],
      [5000, '/channels'],
    ],
    now: 9000,
    vitals: [{ n: 'LCP', v: 1800, r: 'good', t: 0, at: 1800 }],
    interactions: [],
    longTasks: Array.from({ length: 40 }, (_, i) => [1000 + i * 100, 60] as [number, number]),
    resources: Array.from({ length: 400 }, (_, i) => ({
      u: `https://cdn.example/assets/${'chunk-'.repeat(10)}${i}.js`,
      r: i % 2 ? '/' : '/channels',
      i: 'script',
      n: 1,
      t: 1000 + i,
      e: 900 + i,
      d: 3000 + i,
    })),
    renders: Array.from({ length: 300 }, (_, i) => ({ c: `Component${i}`, m: 1, u: i, x: 0, i: 1 })),
    heap: [[8000, 5e6, 4e9]],
    faults: 2,
    fault: 'Error: boom',
    dropped: { longTasks: 3 },
  };
}

const sum = (metrics: Metric[], name: string) =>
  metrics.filter((m) => m.name === name).reduce((n, m) => n + (m.kind === 'counter' ? m.value : 0), 0);

describe('splitBeacon', () => {
  it('keeps a small beacon whole and splits a large one into valid beacons under the limit that add up', () => {
    const small = { ...bigBeacon(), resources: [], renders: [] };
    expect(splitBeacon(small, 60_000, () => undefined)).toEqual([JSON.stringify(small)]);

    const whole = bigBeacon();
    expect(JSON.stringify(whole).length).toBeGreaterThan(60_000);
    let dropped = 0;
    const parts = splitBeacon(whole, 20_000, () => dropped++);
    expect(dropped).toBe(0);
    expect(parts.length).toBeGreaterThan(3);
    const merged = createAudit({ subject: 'server' });
    for (const body of parts) {
      expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(20_000);
      const part = ReactBeaconSchema.parse(JSON.parse(body));
      // Every part keeps the route history, so every value keeps its route.
      expect(part.routes).toEqual(whole.routes);
      merged.ingest(parseReport(JSON.parse(JSON.stringify(reactBeaconToReport(part)))));
    }
    const fromParts = merged.report();
    const fromWhole = reactBeaconToReport(whole);
    for (const name of ['frontend.resource.count', 'react.render.count']) {
      expect(sum(fromParts.metrics, name), name).toBe(sum(fromWhole.metrics, name));
    }
    expect(sum(fromParts.metrics, 'frontend.resource.count')).toBe(400);
    // Faults and drops travel once, in the first part.
    expect(fromParts.diagnostics.collectorErrors).toEqual([
      { collector: 'react.browser', message: 'Error: boom', count: 2 },
    ]);
    expect(fromParts.diagnostics.droppedSeries['(react beacon: longTasks)']).toBe(3);
  });

  it('drops (and counts) what cannot be split under the limit, and sends the rest', () => {
    const beacon: ReactBeacon = {
      ...bigBeacon(),
      resources: [],
      renders: [{ c: 'X'.repeat(9000), m: 1, u: 0, x: 0, i: 1 }],
    };
    let dropped = 0;
    const parts = splitBeacon(beacon, 6_000, () => dropped++);
    expect(dropped).toBeGreaterThanOrEqual(1);
    expect(parts.length).toBeGreaterThan(0);
    for (const body of parts) {
      expect(body.length).toBeLessThanOrEqual(6_000);
      expect(body).not.toContain('XXXX');
      ReactBeaconSchema.parse(JSON.parse(body));
    }
  });
});

describe('estimateBlocking', () => {
  it('sums blocking time after FCP until the 5 s quiet window and ends TTI at the last long task', () => {
    const tasks = [
      { start: 500, duration: 200 }, // straddles FCP (600): only 100 ms after FCP, so 50 ms blocking
      { start: 1000, duration: 120 }, // 70 ms blocking
      { start: 2000, duration: 40 }, // not long enough to block
      { start: 9000, duration: 300 }, // after a 5 s quiet window: outside TBT
    ];
    expect(estimateBlocking(tasks, 600, 20_000)).toEqual({
      tbt: 120,
      tti: 2040,
      settled: true,
      longTasks: 3,
    });
  });

  it('is provisional without a quiet window and leaves out tasks after the first input', () => {
    expect(estimateBlocking([{ start: 1000, duration: 300 }], 800, 3000)).toEqual({
      tbt: 250,
      tti: 1300,
      settled: false,
      longTasks: 1,
    });
    expect(estimateBlocking([{ start: 4000, duration: 300 }], 800, 3000)).toEqual({
      tbt: 0,
      tti: 800,
      settled: false,
      longTasks: 0,
    });
  });
});

describe('resource classification', () => {
  it('classifies by initiator, content type and extension, and redacts query strings', () => {
    expect(classifyResource({ name: 'https://a/x.js?v=1', initiatorType: 'script' })).toBe('script');
    expect(classifyResource({ name: 'https://a/app.css', initiatorType: 'link' })).toBe('stylesheet');
    expect(classifyResource({ name: 'https://a/api/users', initiatorType: 'fetch' })).toBe('api');
    expect(classifyResource({ name: 'https://a/p', initiatorType: 'fetch', contentType: 'image/png' })).toBe(
      'image',
    );
    expect(classifyResource({ name: 'https://a/hero.JPG', initiatorType: 'other' })).toBe('image');
    expect(classifyResource({ name: 'https://a/f.woff2', initiatorType: 'css' })).toBe('stylesheet');
    expect(classifyResource({ name: 'https://a/f.woff2', initiatorType: 'other' })).toBe('font');
    expect(imageFormat('https://a/hero.jpg?w=100')).toBe('jpeg');
    expect(imageFormat('https://a/img', 'image/avif')).toBe('avif');
    expect(imageFormat('https://a/icon.svg')).toBe('svg');
    expect(imageFormat('https://a/img')).toBe('unknown');
    expect(redactUrlPath('/search?q=secret#x')).toBe('/search');
  });
});

describe('sendBody', () => {
  it('falls back to fetch keepalive when sendBeacon is missing, as text/plain, and never throws', async () => {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => {
        b += c;
      });
      req.on('end', () => {
        bodies.push(`${req.headers['content-type']} ${b}`);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/beacon`;
      expect(sendBody(url, '{"a":1}')).toBe('fetch');
      const deadline = Date.now() + 5000;
      while (bodies.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(bodies).toEqual(['text/plain;charset=UTF-8 {"a":1}']);
      expect(sendBody('not a url', '{}')).toBe('fetch');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
