import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { httpInstrumentation } from './httpInstrumentation.js';
import type { HttpOptions } from './httpOptions.js';
import { contextOn, requestStorage } from './requestContext.js';

/** Fastify's own key for a request's route context; looked up once, on the first request. */
let routeContextKey: symbol | null | undefined;

/**
 * The route template: `request.routeOptions.url`, read from the route context that getter reads, because the
 * getter builds a 12-field object on every call (93 ns against 5). Falls back to the getter if a fastify
 * version keeps the context elsewhere.
 */
const fastifyRoute = (request: FastifyRequest): string | undefined => {
  if (routeContextKey === undefined) {
    routeContextKey =
      Object.getOwnPropertySymbols(request).find((s) => s.description === 'fastify.context') ?? null;
  }
  if (routeContextKey !== null) {
    const context = (request as unknown as Record<symbol, { config?: { url?: unknown } } | undefined>)[
      routeContextKey
    ];
    const url = context?.config?.url;
    if (context !== undefined && (url === undefined || typeof url === 'string')) return url;
  }
  return request.routeOptions.url;
};

const plugin: FastifyPluginCallback<HttpOptions> = (fastify, options, done) => {
  const inst = httpInstrumentation(options);
  const context = options.context ?? 'auto';
  // No onResponse hook: fastify listens to every response's 'finish' once one exists, which halved hello-world
  // throughput in the benchmark; begin() follows the raw response to its finish or abort.
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, next) => {
    const state = inst.begin(request.raw, reply.raw, fastifyRoute, request);
    if (contextOn(context)) requestStorage.run(state, next);
    else next();
  });
  // No hook after this one re-enters the store: fastify runs body parsing and everything after it in the
  // request's async context (an AsyncResource made inside this run()), tested with a body that arrives late.
  // The preValidation hook that used to do so ran on every request for nothing.
  done();
};

/**
 * Fastify plugin (fastify-plugin, so its hooks cover the whole app): `await app.register(fastifyPerf, { audit })`
 * before the routes. Routes are `request.routeOptions.url`; 404s count as 'unmatched'.
 */
export const fastifyPerf = fp(plugin, { fastify: '>=4', name: '@perf/node' });
