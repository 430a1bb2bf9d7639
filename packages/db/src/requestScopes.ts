import { currentRequestContext, type RequestContext } from '@perf/core';
import type { Scope } from './scope.js';

const MAX_REQUESTS = 1000;

/**
 * Scopes for HTTP requests, from @perf/core's currentRequestContext() (registered by @perf/node). A request
 * has no end signal here, so its scope ends when it has been idle (no query running, none for idleMs), on
 * report and on close; at most MAX_REQUESTS are open (the oldest is evaluated first).
 */
export class RequestScopes {
  private readonly open = new Map<string, Scope>();

  constructor(
    private readonly create: (ctx: RequestContext) => Scope,
    private readonly end: (scope: Scope) => void,
  ) {}

  /** The scope of the request in flight, if any. */
  current(): Scope | undefined {
    const ctx = currentRequestContext();
    if (!ctx) return undefined;
    let scope = this.open.get(ctx.id);
    if (!scope) {
      if (this.open.size >= MAX_REQUESTS) {
        const [id, oldest] = this.open.entries().next().value as [string, Scope];
        this.open.delete(id);
        this.end(oldest);
      }
      scope = this.create(ctx);
      this.open.set(ctx.id, scope);
    }
    return scope;
  }

  /** Ends the scopes with no query running and no activity for `idleMs` (0: every scope not running one). */
  sweep(now: number, idleMs: number): void {
    for (const [id, scope] of this.open) {
      if (scope.inflight > 0 || now - scope.lastActive < idleMs) continue;
      this.open.delete(id);
      this.end(scope);
    }
  }

  /** Ends every scope. */
  endAll(): void {
    for (const scope of this.open.values()) this.end(scope);
    this.open.clear();
  }
}
