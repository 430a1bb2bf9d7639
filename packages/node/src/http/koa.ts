import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpInstrumentation } from './httpInstrumentation.js';
import type { HttpOptions } from './httpOptions.js';
import { contextOn, requestStorage } from './requestContext.js';

/** The parts of a koa context the middleware reads (kept structural: koa is an optional peer). */
export interface KoaLikeContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Set by @koa/router and koa-router to the matched layer's path. */
  _matchedRoute?: unknown;
  /** Set by older routers. */
  routerPath?: unknown;
}

/** Koa middleware options: without a router, name routes with `route(ctx)` or `setRoute()`. */
export interface KoaOptions<Ctx extends KoaLikeContext = KoaLikeContext> extends HttpOptions {
  /** Route template when no router names it (never the raw URL). */
  route?: (ctx: Ctx) => string | undefined;
}

/** Koa middleware: `app.use(koaPerf({ audit }))` first, before the router. */
export function koaPerf<Ctx extends KoaLikeContext>(
  options: KoaOptions<Ctx>,
): (ctx: Ctx, next: () => Promise<unknown>) => Promise<unknown> {
  const inst = httpInstrumentation(options);
  const custom = options.route;
  const context = options.context ?? 'auto';
  const resolve = (ctx: Ctx): string | undefined => {
    const m = ctx._matchedRoute ?? ctx.routerPath;
    if (typeof m === 'string') return m;
    return custom ? custom(ctx) : undefined;
  };
  return function perfMiddleware(ctx, next) {
    const state = inst.begin(ctx.req, ctx.res, resolve, ctx);
    return contextOn(context) ? requestStorage.run(state, next) : next();
  };
}
