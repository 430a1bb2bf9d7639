import { AsyncLocalStorage } from 'node:async_hooks';
import { type RequestContext, registerRequestContextProvider } from '@perf/core';
import type { RequestState } from './requestState.js';

/** The request store every middleware of this package enters; one per process so all frameworks share it. */
export const requestStorage = new AsyncLocalStorage<RequestState>();

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

/**
 * Names the route template of the current request from inside a handler (plain node:http has no router).
 * Returns false when called outside an instrumented request.
 */
export function setRoute(template: string): boolean {
  const state = requestStorage.getStore();
  if (!state) return false;
  state.routeOverride = template;
  return true;
}
