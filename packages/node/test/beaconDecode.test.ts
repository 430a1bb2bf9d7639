// The beacon handlers' `decode` hook: a sender's own format is turned into an AuditReport before the schema
// check. @perf/node knows no such format, so the test brings its own: a compact list of LCP values.
import http from 'node:http';
import { createAudit, ReportSchemaError } from '@perf/core';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { beaconHandler, fastifyBeacon, ingestBeacon } from '../src/index.js';
import { closeServer, counterValue, listen, metric } from './support.js';

/** A report as a browser would send it directly (must pass the decoder unchanged). */
function report(lcp: number[]) {
  const a = createAudit({ subject: 'dashboard' });
  for (const v of lcp) a.histogram('webvitals.lcp', { 'page.route': '/direct' }).record(v);
  return a.report();
}

/** The toy format: { kind: 'lcp-list', route, values }; anything without that kind passes through. */
function decodeLcpList(value: unknown): unknown {
  const v = value as { kind?: unknown; route?: unknown; values?: unknown };
  if (v?.kind !== 'lcp-list') return value;
  if (typeof v.route !== 'string') {
    throw new ReportSchemaError([{ path: 'route', message: 'expected a string' }], 'lcp list');
  }
  if (!Array.isArray(v.values)) throw new Error('values must be an array of numbers');
  const a = createAudit({ subject: 'dashboard' });
  const h = a.histogram('webvitals.lcp', { 'page.route': v.route });
  for (const x of v.values) h.record(Number(x));
  // A buggy decoder's output (here: an empty route yields an empty runId) still meets the core schema check.
  return v.route === '' ? { ...a.report(), runId: '' } : a.report();
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const post = (url: string, body: unknown, type = 'application/json') =>
  fetch(url, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) });

describe('beacon decode hook', () => {
  it('node:http: decodes its format, passes reports through, and a decode error is a 400 that loses nothing', async () => {
    const audit = createAudit({ subject: 'api' });
    audit.counter('app.existing', {}, { unit: '{event}' }).add(3);
    const server = http.createServer(beaconHandler(audit, { decode: decodeLcpList }));
    const base = await listen(server);
    cleanups.push(() => closeServer(server));

    const ok = await post(base, { kind: 'lcp-list', route: '/channels', values: [1200, 2600] }, 'text/plain');
    expect(ok.status).toBe(204);
    expect((await post(base, report([900]))).status).toBe(204);

    const badPath = await post(base, { kind: 'lcp-list', route: 7, values: [] });
    expect(badPath.status).toBe(400);
    expect(await badPath.json()).toMatchObject({
      error: 'invalid beacon',
      issues: [{ path: 'route', message: 'expected a string' }],
    });
    const thrown = await post(base, { kind: 'lcp-list', route: '/x', values: 'many' });
    expect(thrown.status).toBe(400);
    const body = (await thrown.json()) as { error: string; message: string; issues?: unknown };
    expect(body).toMatchObject({ error: 'invalid beacon', message: 'values must be an array of numbers' });
    expect(body.issues).toBeUndefined();
    const decodedBad = await post(base, { kind: 'lcp-list', route: '', values: [5] });
    expect(decodedBad.status).toBe(400);
    expect(await decodedBad.json()).toMatchObject({
      error: 'invalid audit report',
      issues: [{ path: 'runId' }],
    });

    const final = audit.report();
    const channels = metric(final, 'webvitals.lcp', { 'page.route': '/channels' });
    expect(channels?.kind === 'histogram' && channels.count).toBe(2);
    const direct = metric(final, 'webvitals.lcp', { 'page.route': '/direct' });
    expect(direct?.kind === 'histogram' && direct.count).toBe(1);
    expect(metric(final, 'webvitals.lcp', { 'page.route': '/x' })).toBeUndefined();
    expect(metric(final, 'webvitals.lcp', { 'page.route': '' })).toBeUndefined();
    expect(counterValue(final, 'app.existing', {})).toBe(3);
    expect(counterValue(final, 'http.beacon.requests', { 'beacon.result': 'accepted' })).toBe(2);
    expect(counterValue(final, 'http.beacon.requests', { 'beacon.result': 'invalid-beacon' })).toBe(2);
    expect(counterValue(final, 'http.beacon.requests', { 'beacon.result': 'invalid-report' })).toBe(1);
    expect(final.diagnostics.collectorErrors).toEqual([]);
  });

  it('applies to express.json() bodies, fastify routes and direct ingestBeacon calls', async () => {
    const audit = createAudit({ subject: 'api' });
    const app = express();
    app.post('/parsed', express.json(), beaconHandler(audit, { decode: decodeLcpList }));
    const server = http.createServer(app);
    const base = await listen(server);
    cleanups.push(() => closeServer(server));
    expect((await post(`${base}/parsed`, { kind: 'lcp-list', route: '/e', values: [1] })).status).toBe(204);
    expect((await post(`${base}/parsed`, { kind: 'lcp-list', route: null, values: [] })).status).toBe(400);

    const fastify = Fastify();
    fastify.route({ method: 'POST', url: '/b', ...fastifyBeacon(audit, { decode: decodeLcpList }) });
    const fbase = await fastify.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => fastify.close());
    expect((await post(`${fbase}/b`, { kind: 'lcp-list', route: '/f', values: [2, 3] })).status).toBe(204);
    const fbad = await post(`${fbase}/b`, { kind: 'lcp-list', route: false, values: [] });
    expect(fbad.status).toBe(400);
    expect(((await fbad.json()) as { issues: { path: string }[] }).issues[0]?.path).toBe('route');

    // A decoder that throws something that is not an Error still gets a 400, never a throw.
    const odd = ingestBeacon(audit, '{"kind":"x"}', {
      decode: () => {
        throw 'plain string';
      },
    });
    expect(odd).toEqual({ status: 400, body: { error: 'invalid beacon', message: 'plain string' } });

    const r = audit.report();
    for (const [route, n] of [
      ['/e', 1],
      ['/f', 2],
    ] as const) {
      const m = metric(r, 'webvitals.lcp', { 'page.route': route });
      expect(m?.kind === 'histogram' && m.count, route).toBe(n);
    }
  });
});
