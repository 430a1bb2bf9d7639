import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Audit, Collector } from '@perf/core';
import { acceptedCompressions } from './acceptEncoding.js';
import { patchPrototype, RESPONSE_STATE, responseBytes, trackResponse } from './bodySize.js';
import { raiseHttpFindings } from './httpFindings.js';
import { type HttpOptions, type ResolvedHttpOptions, resolveHttpOptions } from './httpOptions.js';
import { inFlight } from './inFlight.js';
import { normalizeMethod } from './method.js';
import { ensureRequestContextProvider } from './requestContext.js';
import { RequestState, type RouteResolver } from './requestState.js';
import { endOnFinishOrAbort, type RequestEnder } from './responseEnd.js';
import { RouteStats } from './routeStats.js';
import { statusClassIndex } from './statusClass.js';

const COMPRESSIBLE = /json|text|javascript|xml|html|css|svg|csv|yaml|graphql/i;
const OTHER_ROUTE = '(other)';
type TrackedResponse = ServerResponse & { [RESPONSE_STATE]?: RequestState };

/**
 * The framework-independent part of the middleware: one per audit, shared by every framework adapter, and the
 * collector that turns its counts into error-rate and throughput gauges and findings.
 */
export class HttpInstrumentation implements Collector, RequestEnder {
  readonly name = 'http';
  readonly options: ResolvedHttpOptions;
  /** route -> method -> stats: two lookups of strings the router already holds, no key built per request. */
  private readonly routes = new Map<string, Map<string, RouteStats>>();
  private routeCount = 0;
  readonly byClass = [0, 0, 0, 0, 0];
  total = 0;
  /** Request time summed over every recorded request, ms. */
  timeMs = 0;
  /** Route template -> whether ignoreRoutes leaves it out (templates are few: bounded by the cap below). */
  private readonly ignored = new Map<string, boolean>();
  private windowStart = performance.now();
  private windowTotal = 0;
  /**
   * The 'close' listener for responses endOnFinishOrAbort cannot follow (it finds the request on `this`): one
   * function for all, no closure per request.
   */
  private readonly onClose: (this: TrackedResponse) => void;

  constructor(options: HttpOptions) {
    this.options = resolveHttpOptions(options);
    ensureRequestContextProvider();
    // Once here rather than a check per request.
    patchPrototype();
    const inst = this;
    this.onClose = function onResponseClose(this: TrackedResponse) {
      const state = this[RESPONSE_STATE];
      if (state !== undefined && state.endTime < 0) inst.endSafely(state, this);
    };
  }

  /** end(), with a fault counted by the audit instead of thrown into node's http internals. */
  endSafely(state: RequestState, res: ServerResponse, unsent = false): void {
    try {
      this.end(state, res, unsent);
    } catch (err) {
      this.audit.safely('http', () => {
        throw err;
      });
    }
  }

  /** Every method + route seen, for the findings. */
  *routeStats(): IterableIterator<RouteStats> {
    for (const byMethod of this.routes.values()) yield* byMethod.values();
  }

  get audit(): Audit {
    return this.options.audit;
  }

  /**
   * Starts tracking a request on a raw node response: byte counting, and its end when the response finishes
   * or is aborted (see endOnFinishOrAbort; else the response's 'close', which Node 20 emits after 'finish' or
   * on an abort). `resolveRoute(source)` is read when the request ends (frameworks match routes after the
   * middleware).
   */
  begin<S>(
    req: IncomingMessage,
    res: ServerResponse,
    resolveRoute: RouteResolver<S> | undefined,
    source: S,
  ): RequestState {
    // A response is measured once: a second middleware on the same request (another audit) leaves it alone.
    const tracked = (res as TrackedResponse)[RESPONSE_STATE];
    if (tracked !== undefined && tracked.endTime < 0) return tracked;
    const state = new RequestState(normalizeMethod(req.method), resolveRoute, source, this);
    inFlight.begin(state);
    trackResponse(res, state);
    if (!endOnFinishOrAbort(req, res)) res.on('close', this.onClose);
    return state;
  }

  /** Records a finished (or aborted) response; `unsent`: it never reached the wire (see RequestEnder). */
  end(state: RequestState, res: ServerResponse, unsent = false): void {
    const route = state.finish(performance.now());
    if (this.isIgnored(route)) {
      inFlight.end(state, route, false);
      return;
    }
    inFlight.end(state, route);
    if (unsent || (!res.writableFinished && !res.headersSent)) {
      // The client went away before any answer: not a served request, so not in the latency or counts.
      this.audit
        .counter(
          'http.server.aborted',
          { 'http.request.method': state.method, 'http.route': route },
          {
            unit: '{request}',
            description: 'Requests whose client disconnected before a response was sent.',
          },
        )
        .add();
      return;
    }
    const bytes = responseBytes(res, state.method, state);
    const encoded = bytes >= this.options.uncompressedBytes ? res.getHeader('content-encoding') : undefined;
    const type = bytes >= this.options.uncompressedBytes ? res.getHeader('content-type') : undefined;
    // Read only for a large response sent without an encoding (res.req is the request since Node 15.7).
    const accept =
      bytes >= this.options.uncompressedBytes && !encoded
        ? (res as ServerResponse & { req?: IncomingMessage }).req?.headers['accept-encoding']
        : undefined;
    this.record(
      state.method,
      route,
      res.statusCode,
      state.endTime - state.startTime,
      bytes,
      encoded,
      type,
      accept,
    );
  }

  /** Whether `ignoreRoutes` leaves this route template out (cached per template, up to maxRoutes * 4). */
  isIgnored(route: string): boolean {
    const rules = this.options.ignoreRoutes;
    if (rules.length === 0) return false;
    const known = this.ignored.get(route);
    if (known !== undefined) return known;
    let hit = false;
    for (const r of rules) {
      if (typeof r === 'string') hit = r === route;
      else {
        r.lastIndex = 0; // a /g or /y RegExp keeps its position between tests
        hit = r.test(route);
      }
      if (hit) break;
    }
    if (this.ignored.size < this.options.maxRoutes * 4) this.ignored.set(route, hit);
    return hit;
  }

  /** Request time (ms) the routes ('METHOD route' keys) have taken so far, or undefined when none is known. */
  requestTime(keys: Iterable<string>): number | undefined {
    let ms = 0;
    let known = false;
    for (const key of keys) {
      const space = key.indexOf(' ');
      const s = space > 0 ? this.routes.get(key.slice(space + 1))?.get(key.slice(0, space)) : undefined;
      if (s) {
        ms += s.timeMs;
        known = true;
      }
    }
    return known ? ms : undefined;
  }

  /**
   * Records one request's outcome; adapters that time requests themselves call this directly. An ignored route
   * records nothing; `acceptEncoding` is the request's header (a large uncompressed body is a finding only
   * when it allowed compression).
   */
  record(
    method: string,
    route: string,
    status: number,
    durationMs: number,
    bytes: number,
    contentEncoding?: unknown,
    contentType?: unknown,
    acceptEncoding?: string | string[],
  ): void {
    if (this.options.ignoreRoutes.length > 0 && this.isIgnored(route)) return;
    const stats = this.routeFor(method, route);
    const ci = statusClassIndex(status);
    const h = stats.handlesFor(ci);
    h.duration.record(durationMs);
    h.requests.add();
    h.size.record(bytes);
    stats.byClass[ci]!++;
    stats.total++;
    stats.timeMs += durationMs;
    if (durationMs > this.options.slowRouteMs) stats.overBudgetMs += durationMs - this.options.slowRouteMs;
    this.byClass[ci]!++;
    this.total++;
    this.timeMs += durationMs;
    if (bytes >= this.options.largePayloadBytes) {
      stats.large++;
      if (bytes > stats.largeMaxBytes) stats.largeMaxBytes = bytes;
    }
    if (bytes >= this.options.uncompressedBytes && !contentEncoding) {
      const type = typeof contentType === 'string' ? contentType : '';
      if (type === '' || COMPRESSIBLE.test(type)) {
        const accepted = acceptedCompressions(acceptEncoding);
        if (accepted.length === 0) stats.uncompressedUnasked++;
        else {
          stats.uncompressed++;
          if (bytes > stats.uncompressedMaxBytes) stats.uncompressedMaxBytes = bytes;
          stats.uncompressedType = type;
          for (const c of accepted) stats.uncompressedAccepted.add(c);
        }
      }
    }
  }

  private routeFor(method: string, route: string): RouteStats {
    let byMethod = this.routes.get(route);
    const s = byMethod?.get(method);
    if (s) return s;
    // Past the cap every new pair shares one '(other)' route per method (created beyond the cap, once).
    if (this.routeCount >= this.options.maxRoutes && route !== OTHER_ROUTE)
      return this.routeFor(method, OTHER_ROUTE);
    if (!byMethod) {
      byMethod = new Map();
      this.routes.set(route, byMethod);
    }
    const created = new RouteStats(this.audit, method, route);
    byMethod.set(method, created);
    this.routeCount++;
    return created;
  }

  collect(audit: Audit): void {
    const now = performance.now();
    if (this.total > 0) {
      audit
        .gauge('http.server.error_rate', { 'http.status_class': '4xx' })
        .set(this.byClass[3]! / this.total);
      audit
        .gauge('http.server.error_rate', { 'http.status_class': '5xx' })
        .set(this.byClass[4]! / this.total);
    }
    const seconds = (now - this.windowStart) / 1000;
    if (seconds > 0 && (this.total > 0 || this.windowTotal > 0)) {
      audit.gauge('http.server.throughput').set((this.total - this.windowTotal) / seconds);
    }
    this.windowStart = now;
    this.windowTotal = this.total;
    raiseHttpFindings(this, audit);
  }
}

const byAudit = new WeakMap<Audit, HttpInstrumentation>();

/** The audit's request time per 'METHOD route' keys, when it has HTTP instrumentation (else undefined). */
export function requestTimeOf(audit: Audit): ((keys: Iterable<string>) => number | undefined) | undefined {
  const inst = byAudit.get(audit);
  return inst ? (keys) => inst.requestTime(keys) : undefined;
}

/** The audit's HTTP instrumentation, created (and registered as a collector) on first use. */
export function httpInstrumentation(options: HttpOptions): HttpInstrumentation {
  let inst = byAudit.get(options.audit);
  if (!inst) {
    inst = new HttpInstrumentation(options);
    byAudit.set(options.audit, inst);
    options.audit.use(inst);
  }
  return inst;
}
