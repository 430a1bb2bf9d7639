// One hello-world server per bench variant, in its own process so the load generator does not share its loop.
// Variants `<framework>-<kind>`: bare, perf (the @perf/node middleware, defaults: `context: 'auto'` with no reader,
// so no AsyncLocalStorage), perf-ctx (`context: true`, what an app with @perf/db gets), and two floors (fastify
// only): hook (a clock read in onRequest and in onResponse, one histogram record) and chan (the end read from
// node's response-finish channel instead of onResponse, as the middleware does), prom
// (prom-client with a route histogram recorded in a middleware / hook), otel (@opentelemetry/instrumentation-http
// with an sdk-metrics MeterProvider and the AsyncLocalStorage context manager, as NodeSDK sets up; no exporter).
// The parent talks over IPC: 'mark' starts a measured span, 'cpu' returns the CPU time spent since the mark.
import diagnosticsChannel from 'node:diagnostics_channel';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createAudit, Histogram } from '@perf/core';
import type { Histogram as PromHistogram } from 'prom-client';
import { expressPerf, expressPerfHandler, fastifyPerf, perfHandler } from '../src/index.js';

const variant = process.argv[2] ?? 'http-bare';
const [framework, kind = 'bare'] = variant.split(/-(.*)/s) as [string, string | undefined];
if ((kind === 'hook' || kind === 'chan') && framework !== 'fastify')
  throw new Error(`${variant}: fastify only`);
const audit = createAudit({ subject: `bench-${variant}` });
const body = JSON.stringify({ hello: 'world' });

// Each variant reports how many requests it recorded, so a peer that silently measured nothing is caught.
let recorded: () => Promise<number> = async () => 0;

let promHistogram: PromHistogram<'method' | 'route' | 'status_code'> | undefined;
if (kind === 'prom') {
  const prom = await import('prom-client');
  promHistogram = new prom.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  const h = promHistogram;
  recorded = async () => (await h.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
}

if (kind === 'otel') {
  // Registered before express / fastify load, as OpenTelemetry requires.
  const api = await import('@opentelemetry/api');
  const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { registerInstrumentations } = await import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
  // A pull reader that nobody pulls: the data is aggregated in memory, as with prom-client, and never exported.
  class HeldReader extends MetricReader {
    protected async onShutdown(): Promise<void> {}
    protected async onForceFlush(): Promise<void> {}
  }
  const reader = new HeldReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  api.metrics.setGlobalMeterProvider(meterProvider);
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  registerInstrumentations({ instrumentations: [new HttpInstrumentation()], meterProvider });
  // The ESM import above does not pass through require; this does, so the instrumentation patches node:http.
  createRequire(import.meta.url)('node:http');
  recorded = async () => {
    const { resourceMetrics } = await reader.collect();
    let n = 0;
    for (const sm of resourceMetrics.scopeMetrics)
      for (const m of sm.metrics)
        if (
          m.descriptor.name === 'http.server.duration' ||
          m.descriptor.name === 'http.server.request.duration'
        )
          for (const dp of m.dataPoints) n += (dp.value as { count?: number }).count ?? 0;
    return n;
  };
}

if (kind.startsWith('perf')) {
  recorded = async () =>
    audit
      .report()
      .metrics.filter((m) => m.name === 'http.server.requests')
      .reduce((a, m) => a + (m.kind === 'counter' ? m.value : 0), 0);
}

let server: http.Server;
if (framework === 'http') {
  const handler = (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  };
  server = http.createServer(
    kind.startsWith('perf')
      ? perfHandler(handler, {
          audit,
          route: () => '/hello/:name',
          context: kind === 'perf-ctx' ? true : 'auto',
        })
      : handler,
  );
} else if (framework === 'express') {
  const { default: express } = await import('express');
  const app = express();
  if (kind === 'perf' || kind === 'perf-ctx')
    app.use(expressPerf({ audit, context: kind === 'perf-ctx' ? true : 'auto' }));
  if (promHistogram) {
    const h = promHistogram;
    app.use((req, res, next) => {
      const end = h.startTimer();
      res.once('finish', () =>
        end({ method: req.method, route: req.route?.path ?? 'unmatched', status_code: res.statusCode }),
      );
      next();
    });
  }
  app.get('/hello/:name', (_req, res) => {
    res.json({ hello: 'world' });
  });
  // 'perf-server': the same measurement at the server, outside express's router (no app.use layer).
  server = http.createServer(kind === 'perf-server' ? expressPerfHandler(app, { audit }) : app);
} else {
  const { default: Fastify } = await import('fastify');
  let s: http.Server | undefined;
  const app = Fastify({
    serverFactory: (h) => {
      s = http.createServer(h);
      return s;
    },
  });
  if (kind.startsWith('perf'))
    await app.register(fastifyPerf, { audit, context: kind === 'perf-ctx' ? true : 'auto' });
  if (kind === 'hook' || kind === 'chan') {
    // The least a latency histogram costs here: a clock read in onRequest, one at the end, one record. The end
    // comes from fastify's onResponse hook (hook) or from node's response-finish channel, as the middleware's.
    const h = new Histogram();
    const T0 = Symbol('t0');
    type Timed = { [T0]?: number };
    const since = (req: object) => performance.now() - ((req as Timed)[T0] ?? 0);
    app.addHook('onRequest', (request, _reply, next) => {
      (request.raw as Timed)[T0] = performance.now();
      next();
    });
    if (kind === 'hook')
      app.addHook('onResponse', (request, _reply, next) => {
        h.record(since(request.raw));
        next();
      });
    else
      diagnosticsChannel.subscribe('http.server.response.finish', (message) => {
        h.record(since((message as { request: object }).request));
      });
    recorded = async () => h.count;
  }
  if (promHistogram) {
    const h = promHistogram;
    const started = new WeakMap<object, () => void>();
    app.addHook('onRequest', async (request, reply) => {
      const end = h.startTimer();
      started.set(request, () =>
        end({
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status_code: reply.statusCode,
        }),
      );
    });
    app.addHook('onResponse', async (request) => {
      started.get(request)?.();
    });
  }
  app.get('/hello/:name', async () => ({ hello: 'world' }));
  await app.ready();
  server = s!;
}
server.keepAliveTimeout = 60_000;

let cpuMark = process.cpuUsage();
process.on('message', (msg) => {
  if (msg === 'mark') {
    cpuMark = process.cpuUsage();
    process.send?.('marked');
  } else if (msg === 'heap') {
    // With --expose-gc: the heap still in use after a full GC (a per-request retention shows up here).
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ heapUsed: process.memoryUsage().heapUsed });
  } else if (msg === 'cpu') {
    const c = process.cpuUsage(cpuMark);
    void recorded().then((n) =>
      process.send?.({ cpuMs: (c.user + c.system) / 1000, userMs: c.user / 1000, recorded: n }),
    );
  }
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
// A clean exit (not the default signal death) so `--cpu-prof` can write its profile when profiling a variant.
process.on('SIGTERM', () => process.exit(0));
