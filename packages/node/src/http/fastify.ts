import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { httpInstrumentation } from './httpInstrumentation.js';
import type { HttpOptions } from './httpOptions.js';
import { contextOn, requestStorage } from './requestContext.js';
import type { RequestState } from './requestState.js';

const STATE = Symbol('perf.request');

type Tracked = FastifyRequest & { [STATE]?: RequestState };

const fastifyRoute = (request: FastifyRequest): string | undefined => request.routeOptions.url;

const plugin: FastifyPluginCallback<HttpOptions> = (fastify, options, done) => {
  const inst = httpInstrumentation(options);
  const context = options.context ?? 'auto';
  // No onResponse hook: fastify listens to every response's 'finish' once one exists, which halved hello-world
  // throughput in the benchmark; the raw response's 'close' (see begin) ends the request and sees aborts too.
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, next) => {
    const state = inst.begin(request.raw, reply.raw, fastifyRoute, request);
    if (contextOn(context)) {
      (request as Tracked)[STATE] = state;
      requestStorage.run(state, next);
    } else next();
  });
  // Body parsing runs in the socket's async context, which loses the store; re-enter it for the handler.
  if (context !== false)
    fastify.addHook('preValidation', (request: FastifyRequest, _reply: FastifyReply, next) => {
      const state = (request as Tracked)[STATE];
      if (state && contextOn(context)) requestStorage.run(state, next);
      else next();
    });
  done();
};

/**
 * Fastify plugin (fastify-plugin, so its hooks cover the whole app): `await app.register(fastifyPerf, { audit })`
 * before the routes. Routes are `request.routeOptions.url`; 404s count as 'unmatched'.
 */
export const fastifyPerf = fp(plugin, { fastify: '>=4', name: '@perf/node' });
