/** The HTTP request in flight, as @perf/node's middleware exposes it to other collectors. */
export interface RequestContext {
  /** Unique per request within the process. */
  id: string;
  method: string;
  /** Route template ('/api/channels/:id'), never the raw URL. */
  route: string;
  /** performance.now() at the request's start. */
  startTime: number;
}

type Provider = () => RequestContext | undefined;

// A global slot (like OpenTelemetry's API registration) so @perf/db can read @perf/node's context without
// depending on it, and two copies of @perf/core in one app still share one context.
const SLOT = Symbol.for('@perf/core.request-context');
const slot = globalThis as { [SLOT]?: Provider };

/** Registers the function that returns the current request (called by @perf/node). Returns an unregister. */
export function registerRequestContextProvider(provider: Provider): () => void {
  slot[SLOT] = provider;
  return () => {
    if (slot[SLOT] === provider) delete slot[SLOT];
  };
}

/** The request in flight in this async context, if a provider is registered and a request is active. */
export function currentRequestContext(): RequestContext | undefined {
  try {
    return slot[SLOT]?.();
  } catch {
    return undefined;
  }
}

// Readers declare themselves so a middleware can skip AsyncLocalStorage while nobody reads the context: on
// Node 20 a used AsyncLocalStorage turns on promise hooks process-wide, a cost every promise then pays.
const READERS = Symbol.for('@perf/core.request-context.readers');
const readers = globalThis as { [READERS]?: number };

/** Declares that this code reads the request context (@perf/db does); returns the undo, for close(). */
export function addRequestContextReader(): () => void {
  readers[READERS] = (readers[READERS] ?? 0) + 1;
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    readers[READERS] = Math.max(0, (readers[READERS] ?? 1) - 1);
  };
}

/** Whether any code has declared it reads the request context (a middleware's `context: 'auto'`). */
export function hasRequestContextReaders(): boolean {
  return (readers[READERS] ?? 0) > 0;
}
