import type { Audit } from '@perf/core';

/** Options shared by every HTTP middleware of this package. The first middleware on an audit sets them. */
export interface HttpOptions {
  /** The audit that receives the metrics and findings. */
  audit: Audit;
  /** `http.slow-endpoint` when a route's p95 exceeds this many ms. Default 200 (the audit's API target). */
  slowRouteMs?: number;
  /** `http.error-rate` when a route's 5xx share exceeds this fraction. Default 0.001 (0.1%). */
  errorRate?: number;
  /** Requests a route needs before a rate or percentile finding is raised about it. Default 20. */
  minRequests?: number;
  /** `http.uncompressed-response` for compressible bodies of at least this many bytes sent without
   * Content-Encoding to a request whose Accept-Encoding allowed gzip, br or deflate. Default 10240 (10 KiB). */
  uncompressedBytes?: number;
  /** `http.large-payload` for bodies of at least this many bytes. Default 1048576 (1 MiB). */
  largePayloadBytes?: number;
  /**
   * Run each request inside the AsyncLocalStorage request context (`currentRequest()`, `setRoute()`, @perf/db
   * attribution). `'auto'` (default): only while something reads it, i.e. a @perf/db `knexPerf` is open (or
   * code called core's `addRequestContextReader()`); `true`: always; `false`: never. Why not always: on Node 20
   * a used AsyncLocalStorage turns on promise hooks for the whole process, which costs promise-heavy frameworks
   * (express 5, fastify) throughput (see the benchmark). `setRoute(template, req)` works in every mode.
   */
  context?: boolean | 'auto';
  /** Distinct method + route pairs tracked; the rest are recorded as route '(other)'. Default 100. */
  maxRoutes?: number;
  /**
   * Routes to leave out (health checks, the beacon or report endpoint): a string equal to the route template
   * (`'/health'`, `'unmatched'`) or a RegExp tested against it (`/^\/internal\//`). An ignored request records
   * nothing: no metrics and no findings of its own. The route is known only when the request ends (frameworks
   * match it after the middleware), so while in flight it still counts as in flight (a stall finding may name
   * it among the routes it hit) and @perf/db still attributes its queries to it.
   */
  ignoreRoutes?: readonly (string | RegExp)[];
}

/** HttpOptions with every default filled in. */
export type ResolvedHttpOptions = Required<HttpOptions>;

export function resolveHttpOptions(o: HttpOptions): ResolvedHttpOptions {
  return {
    audit: o.audit,
    slowRouteMs: o.slowRouteMs ?? 200,
    errorRate: o.errorRate ?? 0.001,
    minRequests: o.minRequests ?? 20,
    uncompressedBytes: o.uncompressedBytes ?? 10 * 1024,
    largePayloadBytes: o.largePayloadBytes ?? 1024 * 1024,
    maxRoutes: o.maxRoutes ?? 100,
    context: o.context ?? 'auto',
    ignoreRoutes: o.ignoreRoutes ?? [],
  };
}
