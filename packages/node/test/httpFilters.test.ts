// Fewer false alarms from the HTTP middleware, on real servers: ignoreRoutes leaves health and report endpoints
// out for every framework, and http.uncompressed-response needs a request whose Accept-Encoding allowed
// compression (a load generator that sends none must not make it fire).
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import Router from '@koa/router';
import { type Audit, type AuditReport, createAudit, parseReport } from '@perf/core';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { acceptedCompressions } from '../src/http/acceptEncoding.js';
import { expressPerf, fastifyPerf, koaPerf, perfHandler } from '../src/index.js';
import { closeServer, listen, requestCount } from './support.js';

const BODY = JSON.stringify({ rows: Array.from({ length: 800 }, (_, i) => ({ i, name: `row-${i}` })) });
const IGNORE = { ignoreRoutes: ['/health', /^\/internal\//], slowRouteMs: 1, minRequests: 5 } as const;

/** GET with exactly the Accept-Encoding given (none when undefined): fetch would always send its own. */
function get(
  base: string,
  path: string,
  acceptEncoding?: string,
): Promise<{ status: number; encoding?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${base}${path}`,
      { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers['content-encoding'] ? { encoding: String(res.headers['content-encoding']) } : {}),
          }),
        );
      },
    );
    req.on('error', reject);
  });
}

const routesOf = (r: AuditReport) =>
  [...new Set(r.metrics.map((m) => m.attributes['http.route']).filter((x) => x !== undefined))].sort();

/** Drives /health, /internal/report and /api/items on a server and checks that only /api/items was recorded. */
async function checkIgnored(name: string, make: (audit: Audit) => Promise<http.Server> | http.Server) {
  const audit = createAudit({ subject: `ignore-${name}` });
  const server = await make(audit);
  const base = await listen(server);
  try {
    for (let i = 0; i < 10; i++) {
      expect((await get(base, '/health', 'gzip')).status).toBe(200);
      expect((await get(base, '/internal/report', 'gzip')).status).toBe(200);
      expect((await get(base, '/api/items', 'gzip')).status).toBe(200);
    }
    const r = parseReport(audit.report());
    expect(routesOf(r), name).toEqual(['/api/items']);
    expect(requestCount(r, 'GET', '/api/items')).toBe(10);
    // /health takes 5 ms (slow at a 1 ms budget) and /internal/report sends 20 KB uncompressed: ignored, neither
    // raises anything; the kept route still does.
    expect([...new Set(r.findings.map((f) => f.key))], name).toEqual(['GET /api/items']);
    expect(
      r.findings.map((f) => f.rule),
      name,
    ).toContain('http.uncompressed-response');
  } finally {
    await closeServer(server);
    await audit.close();
  }
}

const health = async () => {
  await sleep(5);
  return 'ok';
};

describe('ignoreRoutes: health and report endpoints record nothing', () => {
  it('express', async () => {
    await checkIgnored('express', (audit) => {
      const app = express();
      app.use(expressPerf({ audit, ...IGNORE }));
      app.get('/health', async (_req, res) => {
        res.send(await health());
      });
      app.get('/internal/report', (_req, res) => {
        res.type('json').send(BODY);
      });
      app.get('/api/items', (_req, res) => {
        res.type('json').send(BODY);
      });
      return http.createServer(app);
    });
  });

  it('fastify', async () => {
    await checkIgnored('fastify', async (audit) => {
      let server: http.Server | undefined;
      const app = Fastify({
        serverFactory: (handler) => {
          server = http.createServer(handler);
          return server;
        },
      });
      await app.register(fastifyPerf, { audit, ...IGNORE });
      app.get('/health', health);
      app.get('/internal/report', async (_req, reply) => reply.type('application/json').send(BODY));
      app.get('/api/items', async (_req, reply) => reply.type('application/json').send(BODY));
      await app.ready();
      return server!;
    });
  });

  it('koa with @koa/router', async () => {
    await checkIgnored('koa', (audit) => {
      const app = new Koa();
      app.use(koaPerf({ audit, ...IGNORE }));
      const router = new Router();
      router.get('/health', async (ctx) => {
        ctx.body = await health();
      });
      router.get('/internal/report', (ctx) => {
        ctx.type = 'json';
        ctx.body = BODY;
      });
      router.get('/api/items', (ctx) => {
        ctx.type = 'json';
        ctx.body = BODY;
      });
      app.use(router.routes());
      return http.createServer(app.callback());
    });
  });

  it('node:http', async () => {
    await checkIgnored('node-http', (audit) =>
      http.createServer(
        perfHandler(
          (req, res) => {
            const path = (req.url ?? '/').split('?')[0]!;
            if (path === '/health') void health().then((b) => res.end(b));
            else {
              res.setHeader('content-type', 'application/json');
              res.end(BODY);
            }
          },
          { audit, ...IGNORE, route: (req) => (req.url ?? '/').split('?')[0] },
        ),
      ),
    );
  });
});

describe('http.uncompressed-response only when the request allowed compression', () => {
  it('parses Accept-Encoding: q-values, q=0, the * wildcard and the x-gzip alias', () => {
    expect(acceptedCompressions(undefined)).toEqual([]);
    expect(acceptedCompressions('')).toEqual([]);
    expect(acceptedCompressions('identity')).toEqual([]);
    expect(acceptedCompressions('gzip, deflate, br')).toEqual(['gzip', 'br', 'deflate']);
    expect(acceptedCompressions('GZIP;q=0.5')).toEqual(['gzip']);
    expect(acceptedCompressions('gzip;q=0, br;q=0')).toEqual([]);
    expect(acceptedCompressions('gzip; q=0.000, deflate')).toEqual(['deflate']);
    expect(acceptedCompressions('*')).toEqual(['gzip', 'br', 'deflate']);
    expect(acceptedCompressions('*;q=0.1, br;q=0')).toEqual(['gzip', 'deflate']);
    expect(acceptedCompressions('*;q=0')).toEqual([]);
    expect(acceptedCompressions('x-gzip')).toEqual(['gzip']);
    expect(acceptedCompressions(['br', 'zstd'])).toEqual(['br']);
  });

  it('a server that compresses when asked: no finding for clients that sent no or a refusing Accept-Encoding', async () => {
    const audit = createAudit({ subject: 'accept-encoding' });
    // Compresses with gzip when the request allows it, as the compression middleware does.
    const server = http.createServer(
      perfHandler(
        (req, res) => {
          res.setHeader('content-type', 'application/json');
          const path = (req.url ?? '/').split('?')[0]!;
          const gzip =
            path === '/compressing' && acceptedCompressions(req.headers['accept-encoding']).includes('gzip');
          if (gzip) {
            res.setHeader('content-encoding', 'gzip');
            res.end(gzipSync(BODY));
          } else res.end(BODY);
        },
        { audit, route: (req) => (req.url ?? '/').split('?')[0] },
      ),
    );
    const base = await listen(server);
    try {
      // The load generator's habit: no Accept-Encoding at all, or one that refuses compression.
      for (const ae of [undefined, 'identity', 'gzip;q=0', '']) {
        for (const path of ['/compressing', '/plain']) {
          const res = await get(base, path, ae);
          expect(res.encoding).toBeUndefined();
        }
      }
      let r = parseReport(audit.report());
      expect(r.findings.filter((f) => f.rule === 'http.uncompressed-response')).toEqual([]);

      // A browser's header: the compressing route compresses, the plain one does not and is reported.
      for (const ae of ['gzip, deflate, br', 'br;q=1.0, gzip;q=0.8']) {
        expect((await get(base, '/compressing', ae)).encoding).toBe('gzip');
        expect((await get(base, '/plain', ae)).encoding).toBeUndefined();
      }
      r = parseReport(audit.report());
      const found = r.findings.filter((f) => f.rule === 'http.uncompressed-response');
      expect(found.map((f) => f.key)).toEqual(['GET /plain']);
      const f = found[0]!;
      expect(f.message).toMatch(
        /2 responses .* although the request's Accept-Encoding allowed gzip, br, deflate/,
      );
      expect(f.message).toMatch(/4 more went to requests that allowed no compression and are not counted/);
      expect(f.evidence.details).toMatchObject({ responses: 2, notAskedToCompress: 4 });
    } finally {
      await closeServer(server);
      await audit.close();
    }
  });
});

describe('http.slow-endpoint impact', () => {
  it("is the route's share of all request time, saving the time its requests spent above the budget", async () => {
    const audit = createAudit({ subject: 'slow-impact' });
    const server = http.createServer(
      perfHandler(
        (req, res) => {
          const path = (req.url ?? '/').split('?')[0]!;
          if (path === '/slow') setTimeout(() => res.end('slow'), 40);
          else res.end('fast');
        },
        { audit, slowRouteMs: 20, minRequests: 5, route: (req) => (req.url ?? '/').split('?')[0] },
      ),
    );
    const base = await listen(server);
    try {
      for (let i = 0; i < 10; i++) {
        await get(base, '/slow');
        await get(base, '/fast');
      }
      const r = parseReport(audit.report());
      const f = r.findings.find((x) => x.rule === 'http.slow-endpoint');
      expect(f?.key).toBe('GET /slow');
      const sum = (route: string) => {
        const m = r.metrics.find(
          (x) => x.name === 'http.server.request.duration' && x.attributes['http.route'] === route,
        );
        return m?.kind === 'histogram' ? m.sum : Number.NaN;
      };
      const slow = sum('/slow');
      expect(f?.impact).toMatchObject({ of: 'request time', scope: 'GET /slow' });
      expect(f?.impact?.share).toBeCloseTo(slow / (slow + sum('/fast')), 5);
      expect(f?.impact?.share as number).toBeGreaterThan(0.8);
      // Each request took 40+ ms against a 20 ms budget: the saving is the part above it.
      expect(f?.impact?.savingMs).toBeCloseTo(slow - 10 * 20, 5);
      expect(f?.impact?.basis).toMatch(/meeting the 20 ms budget saves/);
    } finally {
      await closeServer(server);
      await audit.close();
    }
  });
});
