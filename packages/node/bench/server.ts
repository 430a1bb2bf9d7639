// One hello-world server per bench variant, in its own process so the load generator does not share its loop.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAudit } from '@perf/core';
import express from 'express';
import Fastify from 'fastify';
import { expressPerf, fastifyPerf, perfHandler } from '../src/index.js';

const variant = process.argv[2] ?? 'http-bare';
const audit = createAudit({ subject: `bench-${variant}` });
const body = JSON.stringify({ hello: 'world' });

let server: http.Server;
if (variant.startsWith('http')) {
  const handler = (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  };
  server = http.createServer(
    variant === 'http-perf' ? perfHandler(handler, { audit, route: () => '/hello/:name' }) : handler,
  );
} else if (variant.startsWith('express')) {
  const app = express();
  if (variant.startsWith('express-perf'))
    app.use(expressPerf({ audit, context: !variant.endsWith('noctx') }));
  app.get('/hello/:name', (_req, res) => {
    res.json({ hello: 'world' });
  });
  server = http.createServer(app);
} else {
  let s: http.Server | undefined;
  const app = Fastify({
    serverFactory: (h) => {
      s = http.createServer(h);
      return s;
    },
  });
  if (variant.startsWith('fastify-perf'))
    await app.register(fastifyPerf, { audit, context: !variant.endsWith('noctx') });
  app.get('/hello/:name', async () => ({ hello: 'world' }));
  await app.ready();
  server = s!;
}
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  const r = audit.report();
  const n = r.metrics
    .filter((m) => m.name === 'http.server.requests')
    .reduce((a, m) => a + (m.kind === 'counter' ? m.value : 0), 0);
  process.stderr.write(`recorded ${n}\n`);
  process.exit(0);
});
