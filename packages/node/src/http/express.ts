import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpInstrumentation } from './httpInstrumentation.js';
import type { HttpOptions } from './httpOptions.js';
import { contextOn, requestStorage } from './requestContext.js';

/** The parts of an express request the middleware reads (kept structural: express is an optional peer). */
export interface ExpressLikeRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}

/** Express middleware signature, structurally. */
export type ExpressMiddleware = (
  req: ExpressLikeRequest,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void;

/** The route template of an express request: mount path + route path, or undefined when no route matched. */
export function expressRoute(req: ExpressLikeRequest): string | undefined {
  const path = req.route?.path;
  if (path === undefined || path === null) return undefined;
  const p = typeof path === 'string' ? path : Array.isArray(path) ? path.map(String).join('|') : String(path);
  return (req.baseUrl ?? '') + p;
}

/** Express (4 and 5) middleware: `app.use(expressPerf({ audit }))` before the routes. */
export function expressPerf(options: HttpOptions): ExpressMiddleware {
  const inst = httpInstrumentation(options);
  const context = options.context ?? 'auto';
  return function perfMiddleware(req, res, next) {
    const state = inst.begin(req, res, expressRoute, req);
    if (contextOn(context)) requestStorage.run(state, next);
    else next();
  };
}
