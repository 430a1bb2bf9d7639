import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import Router from '@koa/router';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { describe, it } from 'vitest';
import {
  expressPerf,
  expressPerfHandler,
  fastifyPerf,
  koaPerf,
  perfHandler,
  setRoute,
} from '../src/index.js';
import { BIG_BODY, contextSnapshot, HTTP_OPTIONS, LARGE_BODY, runScenario } from './httpScenario.js';

/** The scenario's routes on an express app (a mounted router included, so baseUrl is part of the template). */
function expressRoutes(app: express.Express): express.Express {
  const users = express.Router();
  users.get('/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  app.use('/users', users);
  app.get('/boom', (_req, res) => {
    res.status(500).send('boom');
  });
  app.get('/slow', async (_req, res) => {
    await sleep(30);
    res.send('ok');
  });
  app.get('/big', (_req, res) => {
    res.type('json').send(BIG_BODY);
  });
  app.get('/large', (_req, res) => {
    res.type('text').send(LARGE_BODY);
  });
  app.get('/ctx/:name', async (_req, res) => {
    res.json(await contextSnapshot());
  });
  return app;
}

describe('HTTP middleware under autocannon load', () => {
  it('express: route templates from req.route and baseUrl', async () => {
    await runScenario('express', (audit) => {
      const app = express();
      app.use(expressPerf({ audit, ...HTTP_OPTIONS }));
      return http.createServer(expressRoutes(app));
    });
  });

  it('express mounted at the server (expressPerfHandler): same routes and counts, no app.use layer', async () => {
    await runScenario('express-server', (audit) =>
      http.createServer(expressPerfHandler(expressRoutes(express()), { audit, ...HTTP_OPTIONS })),
    );
  });

  it('fastify: a plugin reading routeOptions.url', async () => {
    await runScenario('fastify', async (audit) => {
      let server: http.Server | undefined;
      const app = Fastify({
        serverFactory: (handler) => {
          server = http.createServer(handler);
          return server;
        },
      });
      await app.register(fastifyPerf, { audit, ...HTTP_OPTIONS });
      app.get('/users/:id', async (req) => ({ id: (req.params as { id: string }).id }));
      app.get('/boom', async (_req, reply) => reply.code(500).send('boom'));
      app.get('/slow', async () => {
        await sleep(30);
        return 'ok';
      });
      app.get('/big', async (_req, reply) => reply.type('application/json').send(BIG_BODY));
      app.get('/large', async (_req, reply) => reply.type('text/plain').send(LARGE_BODY));
      app.get('/ctx/:name', async () => contextSnapshot());
      await app.ready();
      return server!;
    });
  });

  it('koa with @koa/router: route templates from ctx._matchedRoute', async () => {
    await runScenario('koa', (audit) => {
      const app = new Koa();
      app.use(koaPerf({ audit, ...HTTP_OPTIONS }));
      const router = new Router();
      router.get('/users/:id', (ctx) => {
        ctx.body = { id: ctx.params.id };
      });
      router.get('/boom', (ctx) => {
        ctx.status = 500;
        ctx.body = 'boom';
      });
      router.get('/slow', async (ctx) => {
        await sleep(30);
        ctx.body = 'ok';
      });
      router.get('/big', (ctx) => {
        ctx.type = 'json';
        ctx.body = BIG_BODY;
      });
      router.get('/large', (ctx) => {
        ctx.type = 'text';
        ctx.body = LARGE_BODY;
      });
      router.get('/ctx/:name', async (ctx) => {
        ctx.body = await contextSnapshot();
      });
      app.use(router.routes());
      return http.createServer(app.callback());
    });
  });

  it('koa without a router: route templates from the route(ctx) option', async () => {
    await runScenario('koa-plain', (audit) => {
      const app = new Koa();
      app.use(
        koaPerf({
          audit,
          ...HTTP_OPTIONS,
          route: (ctx: Koa.Context) => {
            const p = ctx.path;
            if (p.startsWith('/users/')) return '/users/:id';
            if (p.startsWith('/ctx/')) return '/ctx/:name';
            return ['/boom', '/slow', '/big', '/large'].includes(p) ? p : undefined;
          },
        }),
      );
      app.use(async (ctx) => {
        const p = ctx.path;
        if (p.startsWith('/users/')) ctx.body = { id: p.slice(7) };
        else if (p === '/boom') {
          ctx.status = 500;
          ctx.body = 'boom';
        } else if (p === '/slow') {
          await sleep(30);
          ctx.body = 'ok';
        } else if (p === '/big') {
          ctx.type = 'json';
          ctx.body = BIG_BODY;
        } else if (p === '/large') {
          ctx.type = 'text';
          ctx.body = LARGE_BODY;
        } else if (p.startsWith('/ctx/')) ctx.body = await contextSnapshot();
      });
      return http.createServer(app.callback());
    });
  });

  it('node:http: perfHandler with a route() option and setRoute() inside the handler', async () => {
    await runScenario('node-http', (audit) =>
      http.createServer(
        perfHandler(
          (req, res) => {
            const path = (req.url ?? '/').split('?')[0]!;
            const send = (status: number, body: string, type = 'text/plain') => {
              res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
              res.end(body);
            };
            if (path.startsWith('/users/')) {
              // By the request object: works whether or not the request context is on.
              setRoute('/users/:id', req);
              send(200, JSON.stringify({ id: path.slice(7) }), 'application/json');
            } else if (path === '/boom') send(500, 'boom');
            else if (path === '/slow') setTimeout(() => send(200, 'ok'), 30);
            else if (path === '/big') {
              // Chunked, no Content-Length: the size comes from counting write()/end().
              res.writeHead(200, { 'content-type': 'application/json' });
              res.write(BIG_BODY.slice(0, 1000));
              res.end(BIG_BODY.slice(1000));
            } else if (path === '/large') send(200, LARGE_BODY);
            else if (path.startsWith('/ctx/')) {
              // From the async context: on here because the scenario declared a reader.
              setRoute('/ctx/:name');
              void contextSnapshot().then((c) => send(200, JSON.stringify(c), 'application/json'));
            } else send(404, 'not found');
          },
          {
            audit,
            ...HTTP_OPTIONS,
            route: (req) => {
              const path = (req.url ?? '/').split('?')[0]!;
              return ['/boom', '/slow', '/big', '/large'].includes(path) ? path : undefined;
            },
          },
        ),
      ),
    );
  });
});
