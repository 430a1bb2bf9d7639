import { AsyncLocalStorage } from 'node:async_hooks';
import { hasRequestContextReaders, type RequestContext, registerRequestContextProvider } from '@perf/core';
import type { RequestState } from './requestState.js';

/** The request store every middleware of this package enters; one per process so all frameworks share it. */
export const requestStorage = new AsyncLocalStorage<RequestState>();

/** Whether a request should run inside the store, for a middleware's `context` option (read per request). */
export function contextOn(mode: boolean | 'auto'): boolean {
  return mode === true || (mode === 'auto' && hasRequestContextReaders());
}

const provider = (): RequestContext | undefined => requestStorage.getStore();
let registered = false;

/** Registers this package as core's request-context provider (idempotent; re-registers if replaced). */
export function ensureRequestContextProvider(): void {
  if (registered && currentProviderIsOurs()) return;
  registerRequestContextProvider(provider);
  registered = true;
}

function currentProviderIsOurs(): boolean {
  const slot = (globalThis as Record<symbol, unknown>)[Symbol.for('@perf/core.request-context')];
  return slot === provider;
}

/** The request being handled in this async context ({id, method, route, startTime}), if any. */
export function currentRequest(): RequestContext | undefined {
  return requestStorage.getStore();
}

const REQUEST_STATE = Symbol('perf.request-state');

/** Links a request object to its state, so `setRoute(template, req)` works without the async context. */
export function attachRequestState(req: object, state: RequestState): void {
  (req as { [REQUEST_STATE]?: RequestState })[REQUEST_STATE] = state;
}

/**
 * Names the route template of a request from inside a handler (plain node:http has no router): the request
 * `req` when given (works with any `context` setting), else the one in this async context. Returns false when
 * there is no instrumented request.
 */
export function setRoute(template: string, req?: object): boolean {
  const state = req ? (req as { [REQUEST_STATE]?: RequestState })[REQUEST_STATE] : requestStorage.getStore();
  if (!state) return false;
  state.routeOverride = template;
  return true;
}
