// Browser-side logic that needs no browser: beacon splitting, TBT/TTI, resource classification, and the
// fetch fallback of sendBody against a real HTTP server (Node has fetch but no navigator.sendBeacon).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAudit, parseReport } from '@perf/core';
import { describe, expect, it } from 'vitest';
import {
  classifyResource,
  estimateBlocking,
  imageFormat,
  redactUrlPath,
  sendBody,
  splitReport,
} from '../src/index.js';

describe('splitReport', () => {
  it('keeps a small report whole and splits a large one into schema-valid parts under the limit', () => {
    const audit = createAudit({ subject: 'split' });
    audit.counter('react.render.count', { 'react.component': 'A', 'react.phase': 'mount' }).add(1);
    expect(splitReport(audit.report(), 60_000)).toHaveLength(1);

    for (let i = 0; i < 150; i++) {
      const h = audit.histogram('webvitals.inp', { 'page.route': `/route/${i}`, rating: 'good' });
      for (let v = 1; v < 400; v += 7) h.record(v * (1 + (i % 5)));
      audit.finding({
        rule: 'react.unnecessary-render',
        key: `C${i}`,
        area: 'frontend',
        severity: 'info',
        title: `C${i} re-rendered`,
        evidence: { details: { identityOnlyProps: ['style', 'onClick'] } },
        recommendation: 'React.memo',
        how: { method: 'exact', source: 'test' },
      });
    }
    const report = audit.report();
    const parts = splitReport(report, 20_000);
    expect(parts.length).toBeGreaterThan(1);
    const merged = createAudit({ subject: 'server' });
    for (const body of parts) {
      expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(20_000);
      merged.ingest(parseReport(JSON.parse(body)));
    }
    const back = merged.report();
    expect(back.metrics.filter((m) => m.name === 'webvitals.inp')).toHaveLength(150);
    expect(back.findings).toHaveLength(150);
    expect(back.metrics.find((m) => m.name === 'react.render.count')).toMatchObject({ value: 1 });
  });

  it('slims an item too large alone and counts what it had to drop', () => {
    const audit = createAudit({ subject: 'slim', limits: { timelinePoints: 200 } });
    const g = audit.gauge('react.component.mounted', { 'react.component': 'Row' });
    for (let i = 0; i < 200; i++) g.set(i * 1234567.891);
    audit.finding({
      rule: 'frontend.large-image',
      key: 'x',
      area: 'frontend',
      severity: 'info',
      title: 'big evidence',
      evidence: { samples: Array.from({ length: 20 }, () => 'x'.repeat(4000)) },
      recommendation: 'WebP',
      how: { method: 'exact', source: 'test' },
    });
    const long = 'x'.repeat(2000);
    audit.counter('frontend.unsplittable', { a: long, b: long, c: long }).add(1);
    const parts = splitReport(audit.report(), 6_000).map((b) => parseReport(JSON.parse(b)));
    const gauge = parts.flatMap((p) => p.metrics).find((m) => m.name === 'react.component.mounted');
    expect(gauge).toMatchObject({ kind: 'gauge', value: 199 * 1234567.891 });
    expect(gauge && 'timeline' in gauge).toBe(false);
    const finding = parts.flatMap((p) => p.findings)[0];
    expect(finding?.evidence.samples).toBeUndefined();
    expect(parts.flatMap((p) => p.metrics).some((m) => m.name === 'frontend.unsplittable')).toBe(false);
    expect(parts[0]!.diagnostics.droppedSeries['(beacon-size)']).toBe(1);
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
  it('falls back to fetch keepalive when sendBeacon is missing, and never throws', async () => {
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
      expect(bodies).toEqual(['application/json {"a":1}']);
      expect(sendBody('not a url', '{}')).toBe('fetch');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
