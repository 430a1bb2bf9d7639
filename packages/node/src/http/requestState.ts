import type { RequestContext } from '@perf/core';
import type { RequestEnder } from './responseEnd.js';

/** The route a request has when nothing names it: unmatched requests share one series (bounded cardinality). */
export const UNMATCHED = 'unmatched';

let seq = 0;

/** Reads a request's route template from what the framework attached to `source` (its request or context). */
export type RouteResolver<S> = (source: S) => string | undefined;

/**
 * One request in flight. Its route resolves lazily: frameworks match the route after the middleware runs, so
 * reading it at query time (from @perf/db) or at 'finish' gives the template, never the raw URL.
 */
export class RequestState implements RequestContext {
  readonly seq = ++seq;
  readonly startTime: number;
  /** Set by `setRoute()` from inside a handler; wins over the framework's template. */
  routeOverride: string | undefined = undefined;
  /** Response body bytes counted from write()/end(), used when no Content-Length header was set. */
  bytes = 0;
  /** performance.now() when the response finished (or was aborted), -1 while in flight. */
  endTime = -1;
  /** Links of the in-flight list (see inFlight.ts). */
  linked = false;
  prevActive: RequestState | undefined = undefined;
  nextActive: RequestState | undefined = undefined;
  private finalRoute: string | undefined = undefined;

  // The resolver is a shared function and the source the framework's object, so a request allocates no closure.
  constructor(
    readonly method: string,
    private readonly resolver: RouteResolver<never> | undefined,
    private readonly source: unknown,
    /** The instrumentation that began the request and ends it. */
    readonly ender: RequestEnder,
  ) {
    this.startTime = performance.now();
  }

  get id(): string {
    return `${process.pid}-${this.seq}`;
  }

  /** The route template now: the override, else the framework's match, else 'unmatched'. */
  get route(): string {
    if (this.finalRoute !== undefined) return this.finalRoute;
    if (this.routeOverride !== undefined) return this.routeOverride;
    const r = this.resolver?.(this.source as never);
    return r === undefined || r === '' ? UNMATCHED : r;
  }

  /** Freezes the route when the request ends, so later readers (stall attribution) see the same value. */
  finish(endTime: number): string {
    const route = this.route;
    this.finalRoute = route;
    this.endTime = endTime;
    return route;
  }
}
