import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { httpInstrumentation } from './httpInstrumentation.js';
import type { HttpOptions } from './httpOptions.js';
import { perfHandler } from './nodeHttp.js';
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

/**
 * The same measurement as `expressPerf`, mounted at the server instead of as an `app.use()` layer:
 * `http.createServer(expressPerfHandler(app, { audit }))`. Express 5 dispatches every layer through its
 * router, which made the middleware form cost ~12% of a hello-world's throughput against ~2% for this form.
 */
export function expressPerfHandler(
  app: (req: IncomingMessage, res: ServerResponse) => unknown,
  options: HttpOptions,
): RequestListener {
  return perfHandler(app as RequestListener, { ...options, route: expressRoute });
}
