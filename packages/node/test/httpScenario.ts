import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Audit,
  addRequestContextReader,
  createAudit,
  currentRequestContext,
  parseReport,
} from '@perf/core';
import { expect } from 'vitest';
import { currentRequest } from '../src/index.js';
import { closeServer, counterSum, counterValue, listen, load, metric } from './support.js';

/** Options every framework scenario uses, so the findings are reachable with small, fast loads. */
export const HTTP_OPTIONS = { slowRouteMs: 20, largePayloadBytes: 100_000, minRequests: 20 } as const;

export const BIG_BODY = JSON.stringify({
  rows: Array.from({ length: 800 }, (_, i) => ({ i, name: `row-${i}` })),
});
export const LARGE_BODY = 'x'.repeat(150_000);

/** What a handler reports about the request context it runs in, after an await. */
export async function contextSnapshot(): Promise<Record<string, unknown>> {
  await sleep(1);
  const core = currentRequestContext();
  const own = currentRequest();
  return { coreRoute: core?.route, coreMethod: core?.method, id: core?.id, ownRoute: own?.route };
}

/**
 * Drives a server that exposes the shared routes (GET /users/:id, /boom -> 500, /slow (30 ms), /big (20 KB
 * JSON), /large (150 KB text), /ctx/:name, and nothing at /nope) and checks what the audit recorded.
 * `route(t)` maps a template to how the framework spells it.
 */
export async function runScenario(
  name: string,
  makeServer: (audit: Audit) => Promise<Server> | Server,
  route: (template: string) => string = (t) => t,
): Promise<void> {
  const audit = createAudit({ subject: `scenario-${name}` });
  // The /ctx route reads the request context, as @perf/db would: declare it so `context: 'auto'` turns it on.
  const removeReader = addRequestContextReader();
  const server = await makeServer(audit);
  const base = await listen(server);
  try {
    const mixed = await load(base, ['/users/1', '/users/22', '/boom', '/users/333?q=secret'], 600);
    const slow = await Promise.all(
      Array.from({ length: 25 }, () => fetch(`${base}/slow`).then((r) => r.text())),
    );
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/big`)).status).toBe(200);
    expect((await fetch(`${base}/large`)).status).toBe(200);
    expect((await fetch(`${base}/nope/123`)).status).toBe(404);
    const ctx = (await (await fetch(`${base}/ctx/alice`)).json()) as Record<string, unknown>;

    const report = parseReport(audit.report());
    const get = (r: string, cls: string) => ({
      'http.request.method': 'GET',
      'http.route': route(r),
      'http.status_class': cls,
    });

    // Counts equal what the load generator sent, per route template, never per raw URL.
    expect(mixed.errors).toBe(0);
    expect(mixed['2xx'] + mixed['5xx']).toBe(600);
    expect(mixed['5xx']).toBeGreaterThan(0);
    expect(slow).toHaveLength(25);
    expect(counterValue(report, 'http.server.requests', get('/users/:id', '2xx'))).toBe(mixed['2xx']);
    expect(counterValue(report, 'http.server.requests', get('/boom', '5xx'))).toBe(mixed['5xx']);
    expect(counterValue(report, 'http.server.requests', get('/slow', '2xx'))).toBe(25);
    const total = 600 + 25 + 3 + 1 + 1 + 1;
    expect(counterSum(report, 'http.server.requests')).toBe(total);
    const routes = new Set(
      report.metrics.filter((m) => m.name === 'http.server.requests').map((m) => m.attributes['http.route']),
    );
    expect([...routes].sort()).toEqual(
      ['/big', '/boom', '/ctx/:name', '/large', '/slow', '/users/:id'].map(route).concat('unmatched').sort(),
    );
    expect(counterValue(report, 'http.server.requests', get('unmatched', '4xx'))).toBe(1);

    const duration = metric(report, 'http.server.request.duration', get('/users/:id', '2xx'));
    expect(duration?.kind === 'histogram' && duration.count).toBe(mixed['2xx']);
    const slowDuration = metric(report, 'http.server.request.duration', get('/slow', '2xx'));
    // setTimeout(30) guarantees at least 30 ms inside the handler.
    expect(slowDuration?.kind === 'histogram' && slowDuration.min).toBeGreaterThanOrEqual(29);

    const bigSize = metric(report, 'http.server.response.body.size', get('/big', '2xx'));
    expect(bigSize?.kind === 'histogram' && bigSize.max).toBe(Buffer.byteLength(BIG_BODY));
    const largeSize = metric(report, 'http.server.response.body.size', get('/large', '2xx'));
    expect(largeSize?.kind === 'histogram' && largeSize.max).toBe(LARGE_BODY.length);

    const err5 = metric(report, 'http.server.error_rate', { 'http.status_class': '5xx' });
    expect(err5?.kind === 'gauge' && err5.value).toBeCloseTo(mixed['5xx'] / total, 10);
    const err4 = metric(report, 'http.server.error_rate', { 'http.status_class': '4xx' });
    expect(err4?.kind === 'gauge' && err4.value).toBeCloseTo(1 / total, 10);
    const tput = metric(report, 'http.server.throughput');
    expect(tput?.kind === 'gauge' && tput.value).toBeGreaterThan(0);

    const rules = (rule: string) => report.findings.filter((f) => f.rule === rule).map((f) => f.key);
    expect(rules('http.error-rate')).toEqual([`GET ${route('/boom')}`]);
    expect(rules('http.slow-endpoint')).toContain(`GET ${route('/slow')}`);
    expect(rules('http.uncompressed-response')).toEqual(
      expect.arrayContaining([`GET ${route('/big')}`, `GET ${route('/large')}`]),
    );
    expect(rules('http.large-payload')).toEqual([`GET ${route('/large')}`]);

    // The request context is visible inside the handler, after an await, through core and this package.
    expect(ctx).toMatchObject({
      coreRoute: route('/ctx/:name'),
      coreMethod: 'GET',
      ownRoute: route('/ctx/:name'),
    });
    expect(typeof ctx.id).toBe('string');
  } finally {
    removeReader();
    await closeServer(server);
    await audit.close();
  }
}
