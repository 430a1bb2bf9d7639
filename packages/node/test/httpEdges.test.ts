import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  addRequestContextReader,
  createAudit,
  currentRequestContext,
  hasRequestContextReaders,
  parseReport,
} from '@perf/core';
import express from 'express';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { normalizeMethod } from '../src/http/method.js';
import {
  currentRequest,
  expressPerf,
  fastifyPerf,
  inFlight,
  instrumentServer,
  perfHandler,
} from '../src/index.js';
import { closeServer, counterSum, counterValue, listen, requestCount } from './support.js';

describe('HTTP middleware edge cases', () => {
  it('fastify keeps the request context through JSON body parsing (POST)', async () => {
    const audit = createAudit({ subject: 'fastify-post' });
    const app = Fastify();
    await app.register(fastifyPerf, { audit, context: true });
    // The route's own preValidation hook, after body parsing, runs inside the request's context too.
    let inOwnHook: string | undefined;
    app.post(
      '/orders/:orderId/items',
      {
        preValidation: async () => {
          inOwnHook = currentRequestContext()?.route;
        },
      },
      async (req) => {
        await sleep(1);
        return { route: currentRequestContext()?.route, size: (req.body as { n: number[] }).n.length };
      },
    );
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const body = JSON.stringify({ n: Array.from({ length: 5000 }, (_, i) => i) });
      // The body's second half arrives 30 ms after the headers, so fastify parses it from a later socket read,
      // in the socket's async context rather than the request's.
      const text = await new Promise<string>((resolve, reject) => {
        const req = http.request(
          `${base}/orders/9/items`,
          { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
          (res) => {
            let out = '';
            res.setEncoding('utf8').on('data', (d: string) => {
              out += d;
            });
            res.on('end', () => resolve(out));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, body.length >> 1));
        setTimeout(() => req.end(body.slice(body.length >> 1)), 30);
      });
      expect(JSON.parse(text)).toEqual({ route: '/orders/:orderId/items', size: 5000 });
      expect(inOwnHook).toBe('/orders/:orderId/items');
      const report = audit.report();
      expect(requestCount(report, 'POST', '/orders/:orderId/items')).toBe(1);
    } finally {
      await app.close();
      await audit.close();
    }
  });

  it('express: a thrown error is a 5xx of the matched template; unknown paths are unmatched', async () => {
    const audit = createAudit({ subject: 'express-errors' });
    const app = express();
    app.use(expressPerf({ audit, minRequests: 1 }));
    app.get('/fail/:id', () => {
      throw new Error('handler failed');
    });
    app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).send('failed');
    });
    const server = http.createServer(app);
    const base = await listen(server);
    try {
      for (let i = 0; i < 4; i++) expect((await fetch(`${base}/fail/${i}`)).status).toBe(500);
      for (const p of ['/a', '/b/c', '/fail']) expect((await fetch(`${base}${p}`)).status).toBe(404);
      const report = parseReport(audit.report());
      const get = (route: string, cls: string) => ({
        'http.request.method': 'GET',
        'http.route': route,
        'http.status_class': cls,
      });
      expect(counterValue(report, 'http.server.requests', get('/fail/:id', '5xx'))).toBe(4);
      expect(counterValue(report, 'http.server.requests', get('unmatched', '4xx'))).toBe(3);
      expect(report.findings.map((f) => `${f.rule} ${f.key}`)).toEqual(['http.error-rate GET /fail/:id']);
      expect(report.findings[0]?.recommendation).toMatch(/error handling/);
    } finally {
      await closeServer(server);
      await audit.close();
    }
  });

  it('a client that disconnects before the answer is counted as aborted, not as a served request', async () => {
    const audit = createAudit({ subject: 'aborts' });
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => {
      entered = r;
    });
    const server = http.createServer((_req, res) => {
      entered();
      setTimeout(() => {
        if (!res.destroyed) res.end('late');
      }, 200);
    });
    const restore = instrumentServer(server, { audit, route: () => '/hang' });
    const base = await listen(server);
    try {
      const ac = new AbortController();
      const pending = fetch(`${base}/hang`, { signal: ac.signal }).catch((e: Error) => e.name);
      await inHandler;
      expect(inFlight.byRoute().get('GET /hang')).toBe(1);
      ac.abort();
      expect(await pending).toBe('AbortError');
      // The server sees the disconnect a moment later; wait for it (bounded).
      for (let i = 0; i < 100 && !counterSum(audit.report(), 'http.server.aborted'); i++) await sleep(20);
      const report = audit.report();
      expect(counterValue(report, 'http.server.aborted', { 'http.route': '/hang' })).toBe(1);
      expect(counterSum(report, 'http.server.requests')).toBe(0);
      expect(inFlight.byRoute().get('GET /hang')).toBeUndefined();
      restore();
      expect(server.listeners('request')).toHaveLength(1);
    } finally {
      await closeServer(server);
      await audit.close();
    }
  });

  it('ends pipelined, aborted-while-queued and injected requests exactly once, without a close listener per response', async () => {
    const audit = createAudit({ subject: 'pipelining' });
    const closeListeners: number[] = [];
    const server = http.createServer((req, res) => {
      closeListeners.push(res.listenerCount('close'));
      if (req.url === '/hang') return; // never answered: only the socket's close ends it
      // The first answer comes late, so the next requests on the socket queue behind it.
      setTimeout(() => res.end('ok'), req.url === '/slow' ? 30 : 0);
    });
    const restore = instrumentServer(server, { audit, route: (req) => req.url });
    const base = await listen(server);
    const { port } = new URL(base);
    /** Writes `paths` as pipelined GETs on one connection; resolves after `answers` responses or the close. */
    const pipeline = (paths: string[], answers: number) =>
      new Promise<void>((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1', () =>
          socket.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`).join('')),
        );
        let got = '';
        socket.on('data', (d) => {
          got += d;
          if ((got.match(/HTTP\/1\.1 200/g) ?? []).length >= answers) socket.destroy();
        });
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
    try {
      await pipeline(['/slow', '/a', '/b'], 3);
      // Two answered, then the client leaves while /hang is in the handler and /queued waits behind it.
      await pipeline(['/a', '/hang', '/queued'], 1);
      for (let i = 0; i < 100 && inFlight.size > 0; i++) await sleep(20);
      const report = audit.report();
      const served = (route: string) => requestCount(report, 'GET', route);
      expect([served('/slow'), served('/a'), served('/b')]).toEqual([1, 2, 1]);
      expect(counterSum(report, 'http.server.requests')).toBe(4);
      // /queued was answered by its handler, but behind /hang: nothing of it reached the client.
      expect(counterValue(report, 'http.server.aborted', { 'http.route': '/hang' })).toBe(1);
      expect(counterValue(report, 'http.server.aborted', { 'http.route': '/queued' })).toBe(1);
      expect(inFlight.size).toBe(0);
      // Followed through the finish channel and the socket's close: no response gets a 'close' listener.
      expect(closeListeners).toEqual([0, 0, 0, 0, 0, 0]);
    } finally {
      restore();
      await closeServer(server);
      await audit.close();
    }
    const injected = createAudit({ subject: 'inject' });
    const app = Fastify();
    await app.register(fastifyPerf, { audit: injected });
    app.get('/x/:id', async () => 'ok');
    try {
      for (let i = 0; i < 3; i++) expect((await app.inject(`/x/${i}`)).statusCode).toBe(200);
      expect(requestCount(injected.report(), 'GET', '/x/:id')).toBe(3);
    } finally {
      await app.close();
      await injected.close();
    }
  });

  it("counts http2 compatibility-API requests (no node:http socket): ended on the response's 'close'", async () => {
    const audit = createAudit({ subject: 'http2' });
    const server = http2.createServer();
    // perfHandler is typed for node:http; http2's compatibility request and response stand in for them.
    const handler = perfHandler((_req, res) => res.end('ok'), { audit, route: () => '/h2' });
    server.on('request', handler as never);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    const session = http2.connect(`http://127.0.0.1:${port}`);
    try {
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve, reject) => {
          const stream = session.request({ ':path': '/h2' });
          stream.on('error', reject);
          stream.resume();
          stream.on('end', () => resolve());
        });
      }
      for (let i = 0; i < 100 && inFlight.size > 0; i++) await sleep(10);
      const report = audit.report();
      expect(counterSum(report, 'http.server.requests')).toBe(3);
      expect(counterSum(report, 'http.server.aborted')).toBe(0);
      expect(inFlight.size).toBe(0);
    } finally {
      session.close();
      await new Promise((r) => server.close(r));
      await audit.close();
    }
  });

  it('past maxRoutes, new routes share one (other) series per method, and every request is still counted', async () => {
    const audit = createAudit({ subject: 'max-routes' });
    const app = express();
    app.use(expressPerf({ audit, maxRoutes: 2 }));
    for (const r of ['a', 'b', 'c', 'd', 'e']) app.get(`/${r}/:id`, (_req, res) => res.send('ok'));
    const server = http.createServer(app);
    const base = await listen(server);
    try {
      for (const r of ['a', 'b', 'c', 'd', 'e', 'c', 'e'])
        expect((await fetch(`${base}/${r}/1`)).status).toBe(200);
      const report = audit.report();
      const routes = new Set(
        report.metrics
          .filter((m) => m.name === 'http.server.requests')
          .map((m) => m.attributes['http.route']),
      );
      expect([...routes].sort()).toEqual(['(other)', '/a/:id', '/b/:id']);
      expect(counterSum(report, 'http.server.requests')).toBe(7);
      expect(report.diagnostics.collectorErrors ?? []).toEqual([]);
    } finally {
      await closeServer(server);
      await audit.close();
    }
  });

  it("context: 'auto' (default) enters the request context only while a reader is declared", async () => {
    const audit = createAudit({ subject: 'auto-context' });
    const app = express();
    app.use(expressPerf({ audit }));
    app.get('/items/:id', async (_req, res) => {
      await sleep(1);
      res.json({ route: currentRequest()?.route ?? null });
    });
    const server = http.createServer(app);
    const base = await listen(server);
    try {
      const routeSeen = async () =>
        ((await (await fetch(`${base}/items/1`)).json()) as { route: unknown }).route;
      expect(await routeSeen()).toBeNull();
      const removeReader = addRequestContextReader();
      expect(hasRequestContextReaders()).toBe(true);
      expect(await routeSeen()).toBe('/items/:id');
      removeReader();
      removeReader(); // idempotent: a second call must not remove someone else's declaration
      expect(await routeSeen()).toBeNull();
      // Measured in every mode.
      expect(requestCount(audit.report(), 'GET', '/items/:id')).toBe(3);
    } finally {
      await closeServer(server);
      await audit.close();
    }
  });

  it('context: false still measures but leaves the request context alone', async () => {
    const audit = createAudit({ subject: 'no-context' });
    const app = express();
    app.use(expressPerf({ audit, context: false }));
    app.get('/items/:id', (_req, res) => {
      res.json({ route: currentRequest()?.route ?? null });
    });
    const server = http.createServer(app);
    const base = await listen(server);
    try {
      expect(await (await fetch(`${base}/items/1`)).json()).toEqual({ route: null });
      const report = audit.report();
      expect(requestCount(report, 'GET', '/items/:id')).toBe(1);
    } finally {
      await closeServer(server);
      await audit.close();
    }
  });

  it('currentRequest() is undefined outside a request', () => {
    expect(currentRequest()).toBeUndefined();
    expect(currentRequestContext()).toBeUndefined();
  });
});

describe('normalizeMethod', () => {
  it('keeps known methods, upper-cases known ones in other cases, and folds the rest into _OTHER', () => {
    expect(['GET', 'get', 'Patch', 'QUERY', 'PROPFIND', '', undefined].map(normalizeMethod)).toEqual([
      'GET',
      'GET',
      'PATCH',
      'QUERY',
      '_OTHER',
      '_OTHER',
      '_OTHER',
    ]);
  });
});
