import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Audit, warmReportSchema } from '@perf/core';
import type { FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { beaconHandler } from './beaconHandler.js';
import { type BeaconOptions, ingestBeacon } from './ingestBeacon.js';

/**
 * A fastify route for beacons: `app.post('/perf/beacon', fastifyBeacon(audit).options, fastifyBeacon(audit).handler)`,
 * or spread it: `app.route({ method: 'POST', url, ...fastifyBeacon(audit) })`. Fastify enforces the limit
 * (413) and parses JSON; text/plain bodies (navigator.sendBeacon) arrive as strings and are parsed here.
 */
export function fastifyBeacon(
  audit: Audit,
  options: BeaconOptions = {},
): {
  bodyLimit: number;
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  options: RouteShorthandOptions;
} {
  const bodyLimit = options.limitBytes ?? 1024 * 1024;
  warmReportSchema();
  return {
    bodyLimit,
    options: { bodyLimit },
    async handler(request, reply) {
      const r = ingestBeacon(audit, request.body, options);
      if (options.cors) reply.header('access-control-allow-origin', options.cors);
      reply.code(r.status);
      await (r.body ? reply.send(r.body) : reply.send());
    },
  };
}

/** Koa middleware answering beacons on the raw request (mount it on your beacon path). */
export function koaBeacon(
  audit: Audit,
  options: BeaconOptions = {},
): (ctx: { req: IncomingMessage; res: ServerResponse; respond?: boolean }) => Promise<void> {
  const handle = beaconHandler(audit, options);
  return (ctx) =>
    new Promise<void>((resolve) => {
      // Koa must not write its own response: the handler answers on the raw response.
      ctx.respond = false;
      ctx.res.once('finish', () => resolve());
      ctx.res.once('close', () => resolve());
      handle(ctx.req, ctx.res);
    });
}
