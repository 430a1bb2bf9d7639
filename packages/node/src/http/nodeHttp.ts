import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { httpInstrumentation } from './httpInstrumentation.js';
import type { HttpOptions } from './httpOptions.js';
import { attachRequestState, contextOn, requestStorage } from './requestContext.js';

/** Options for plain node:http, which has no router: name routes with `route(req)` or `setRoute()`. */
export interface NodeHttpOptions extends HttpOptions {
  /** The route template of a request (never the raw URL). Unnamed requests count as 'unmatched'. */
  route?: (req: IncomingMessage) => string | undefined;
}

/** Wraps a node:http request handler so every request is measured and runs inside its request context. */
export function perfHandler<Req extends IncomingMessage, Res extends ServerResponse>(
  handler: (req: Req, res: Res) => void,
  options: NodeHttpOptions,
): (req: Req, res: Res) => void {
  const inst = httpInstrumentation(options);
  const route = options.route;
  const context = options.context ?? 'auto';
  return function instrumented(this: unknown, req: Req, res: Res) {
    const state = inst.begin(req, res, route, req);
    attachRequestState(req, state);
    if (!contextOn(context)) return handler.call(this, req, res);
    return requestStorage.run(state, () => handler.call(this, req, res));
  };
}

/**
 * Instruments the 'request' listeners a node:http server has now (add yours before calling). Returns a
 * function that puts the original listeners back.
 */
export function instrumentServer(server: Server, options: NodeHttpOptions): () => void {
  const originals = server.listeners('request') as RequestListener[];
  const wrapped = originals.map((l) => perfHandler(l, options));
  server.removeAllListeners('request');
  for (const w of wrapped) server.on('request', w);
  return () => {
    for (const w of wrapped) server.removeListener('request', w);
    for (const l of originals) server.on('request', l);
  };
}
