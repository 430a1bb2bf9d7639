import type { ServerResponse } from 'node:http';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { httpInstrumentation } from './httpInstrumentation.js';
import type { HttpOptions } from './httpOptions.js';
import { requestStorage } from './requestContext.js';
import type { RequestState } from './requestState.js';

const STATE = Symbol('perf.request');
const RES = Symbol('perf.response');

type Tracked = FastifyRequest & { [STATE]?: RequestState; [RES]?: ServerResponse };

const plugin: FastifyPluginCallback<HttpOptions> = (fastify, options, done) => {
  const inst = httpInstrumentation(options);
  const context = options.context ?? true;
  const finish = (request: Tracked) => {
    const state = request[STATE];
    const res = request[RES];
    if (state && res && state.endTime < 0) options.audit.safely('http', () => inst.end(state, res));
  };
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, next) => {
    const state = inst.begin(request.raw, reply.raw, () => request.routeOptions.url, false);
    (request as Tracked)[STATE] = state;
    (request as Tracked)[RES] = reply.raw;
    if (context) requestStorage.run(state, next);
    else next();
  });
  // Body parsing runs in the socket's async context, which loses the store; re-enter it for the handler.
  fastify.addHook('preValidation', (request: FastifyRequest, _reply: FastifyReply, next) => {
    const state = (request as Tracked)[STATE];
    if (state && context) requestStorage.run(state, next);
    else next();
  });
  fastify.addHook('onResponse', (request: FastifyRequest, _reply: FastifyReply, next) => {
    finish(request as Tracked);
    next();
  });
  fastify.addHook('onRequestAbort', (request: FastifyRequest, next) => {
    finish(request as Tracked);
    next();
  });
  done();
};

/**
 * Fastify plugin (fastify-plugin, so its hooks cover the whole app): `await app.register(fastifyPerf, { audit })`
 * before the routes. Routes are `request.routeOptions.url`; 404s count as 'unmatched'.
 */
export const fastifyPerf = fp(plugin, { fastify: '>=4', name: '@perf/node' });
