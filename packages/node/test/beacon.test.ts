import http from 'node:http';
import { createAudit } from '@perf/core';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { beaconHandler, fastifyBeacon, koaBeacon } from '../src/index.js';
import { closeServer, counterValue, listen, metric } from './support.js';

/** A browser-side audit's report, as @perf/react would send it. */
function browserReport(lcpValues: number[]) {
  const browser = createAudit({ subject: 'dashboard' });
  const lcp = browser.histogram('webvitals.lcp', { 'page.route': '/channels' });
  for (const v of lcpValues) lcp.record(v);
  return browser.report();
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function post(url: string, body: string, type = 'application/json') {
  return fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
}

describe('beacon ingest', () => {
  it('node:http: 204 merges, 400 names the bad path, 413 over the limit, and rejects lose nothing', async () => {
    const audit = createAudit({ subject: 'api' });
    audit.counter('app.existing', {}, { unit: '{event}' }).add(7);
    const server = http.createServer(beaconHandler(audit, { limitBytes: 64 * 1024 }));
    const base = await listen(server);
    cleanups.push(() => closeServer(server));

    // navigator.sendBeacon posts text/plain: accepted like JSON.
    const ok = await post(
      base,
      JSON.stringify(browserReport([1200, 1800, 2600])),
      'text/plain;charset=UTF-8',
    );
    expect(ok.status).toBe(204);
    const after = audit.report();
    const lcp = metric(after, 'webvitals.lcp', { 'page.route': '/channels' });
    expect(lcp?.kind === 'histogram' && lcp.count).toBe(3);
    expect(lcp?.area).toBe('frontend');

    const badJson = await post(base, '{"schemaVersion": 1,');
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: string }).error).toBe('invalid JSON');

    const broken = browserReport([900]) as unknown as { metrics: Record<string, unknown>[] };
    broken.metrics[0]!.p95 = 'fast';
    const badReport = await post(base, JSON.stringify(broken));
    expect(badReport.status).toBe(400);
    const problem = (await badReport.json()) as { error: string; issues: { path: string }[] };
    expect(problem.error).toBe('invalid audit report');
    expect(problem.issues.map((i) => i.path)).toContain('metrics.0.p95');

    const huge = JSON.stringify({ ...browserReport([1]), padding: 'x'.repeat(100 * 1024) });
    const tooBig = await post(base, huge);
    expect(tooBig.status).toBe(413);

    // Chunked upload with no Content-Length: the cap applies while reading.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${base}/`,
        { method: 'POST', headers: { 'content-type': 'text/plain' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('y'.repeat(10 * 1024));
      req.end();
    });
    expect(chunked).toBe(413);

    const wrongMethod = await fetch(base);
    expect(wrongMethod.status).toBe(405);

    const final = audit.report();
    const lcpFinal = metric(final, 'webvitals.lcp', { 'page.route': '/channels' });
    expect(lcpFinal?.kind === 'histogram' && lcpFinal.count).toBe(3);
    expect(counterValue(final, 'app.existing', {})).toBe(7);
    expect(counterValue(final, 'http.beacon.requests', { 'beacon.result': 'accepted' })).toBe(1);
    expect(counterValue(final, 'http.beacon.requests', { 'beacon.result': 'invalid-json' })).toBe(1);
    expect(counterValue(final, 'http.beacon.requests', { 'beacon.result': 'invalid-report' })).toBe(1);
    expect(counterValue(final, 'http.beacon.requests', { 'beacon.result': 'too-large' })).toBe(2);
    expect(final.diagnostics.collectorErrors).toEqual([]);
  });

  it('express: works with and without express.json(), with CORS preflight', async () => {
    const audit = createAudit({ subject: 'api' });
    const app = express();
    app.post('/raw', beaconHandler(audit, { cors: 'https://app.example' }));
    app.options('/raw', beaconHandler(audit, { cors: 'https://app.example' }));
    app.post('/parsed', express.json({ limit: '1mb' }), beaconHandler(audit));
    const server = http.createServer(app);
    const base = await listen(server);
    cleanups.push(() => closeServer(server));

    const pre = await fetch(`${base}/raw`, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const raw = await post(`${base}/raw`, JSON.stringify(browserReport([1000])));
    expect(raw.status).toBe(204);
    expect(raw.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const parsed = await post(`${base}/parsed`, JSON.stringify(browserReport([2000, 3000])));
    expect(parsed.status).toBe(204);
    const bad = await post(`${base}/parsed`, JSON.stringify({ schemaVersion: 2 }));
    expect(bad.status).toBe(400);
    const lcp = metric(audit.report(), 'webvitals.lcp');
    expect(lcp?.kind === 'histogram' && lcp.count).toBe(3);
  });

  it('fastify and koa adapters', async () => {
    const audit = createAudit({ subject: 'api' });
    const fastify = Fastify();
    fastify.route({ method: 'POST', url: '/beacon', ...fastifyBeacon(audit, { limitBytes: 32 * 1024 }) });
    const fbase = await fastify.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => fastify.close());
    expect((await post(`${fbase}/beacon`, JSON.stringify(browserReport([1500])))).status).toBe(204);
    expect((await post(`${fbase}/beacon`, JSON.stringify(browserReport([1500])), 'text/plain')).status).toBe(
      204,
    );
    const fbad = await post(`${fbase}/beacon`, JSON.stringify({ ...browserReport([1]), runId: '' }));
    expect(fbad.status).toBe(400);
    expect(((await fbad.json()) as { issues: { path: string }[] }).issues[0]?.path).toBe('runId');
    expect((await post(`${fbase}/beacon`, 'z'.repeat(40 * 1024), 'text/plain')).status).toBe(413);

    const koa = new Koa();
    koa.use(koaBeacon(audit, { limitBytes: 32 * 1024 }));
    const server = http.createServer(koa.callback());
    const kbase = await listen(server);
    cleanups.push(() => closeServer(server));
    expect((await post(kbase, JSON.stringify(browserReport([2500])))).status).toBe(204);
    expect((await post(kbase, 'not json')).status).toBe(400);

    const lcp = metric(audit.report(), 'webvitals.lcp');
    expect(lcp?.kind === 'histogram' && lcp.count).toBe(3);
  });
});
