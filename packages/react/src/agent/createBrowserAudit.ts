import { REACT_BEACON_KIND } from '../beaconKind.js';
import type { ReactBeacon, ReactBeaconResource, ReactBeaconVital } from '../ingest/schema.js';
import { redactUrlPath } from '../redactUrlPath.js';
import { getActiveRenderTracker, setActiveRenderTracker } from '../render/activeTracker.js';
import { bucket, createRenderCounters, type RenderCounters } from './renderCounters.js';
import { createRouteSource } from './route.js';
import { selector } from './selector.js';
import { DEFAULT_BEACON_LIMIT_BYTES, sendBody, splitBeacon } from './send.js';
import { watchVitals } from './webVitals.js';

export interface BrowserAuditOptions {
  /** URL the beacons are POSTed to: an @perf/node beaconHandler with `decode: decodeReactBeacon`. */
  endpoint: string;
  /** The app: a name or { name, version, commit, environment }. */
  subject: ReactBeacon['subject'] | string;
  /** The current route; default location.pathname. Give the router's route template for stable names. */
  route?: () => string;
  /** Maximum bytes per beacon body; larger beacons are split. Default 60 000 (sendBeacon allows 64 KiB). */
  limitBytes?: number;
  /** Collect Core Web Vitals. Default true. */
  webVitals?: boolean;
  /** Make these render counters the default for PerfProfiler/withPerf/useRenderTracking. Default true. */
  activate?: boolean;
}

/** The page agent: measures, and sends raw numbers as react beacons when the page is hidden. */
export interface BrowserAudit {
  /** The render counters PerfProfiler, withPerf and useRenderTracking write to. */
  readonly renders: RenderCounters;
  /** Sends what was measured since the last flush; returns the number of beacon bodies sent. */
  flush(): number;
  /** Tells the agent the SPA navigated (when the router does not use history or the Navigation API). */
  navigate(route?: string): void;
  /** Sends a last beacon and removes every listener and observer. */
  close(): void;
}

type Memory = { memory?: { usedJSHeapSize: number; jsHeapSizeLimit: number } };
interface EventEntry extends PerformanceEntry {
  interactionId: number;
  processingStart: number;
  processingEnd: number;
  target: Node | null;
}

/**
 * Starts measuring the page: Core Web Vitals per route, long tasks, slow interactions, resource bytes,
 * fetch/XHR calls, JS heap and React renders; sends them as raw numbers (a versioned react beacon) whenever
 * the page turns hidden. The server judges them (@perf/react/ingest): no metric catalog, histogram or finding
 * text ships to the page. Never throws into the page: faults are counted and shipped. Every list is capped
 * and what is dropped is counted.
 */
export function createBrowserAudit(options: BrowserAuditOptions): BrowserAudit {
  const now = () => performance.now();
  const stop = new AbortController();
  const signal = stop.signal;
  // The beacon being filled; flush sends it and starts a fresh one. Vitals are keyed by metric id (the
  // latest value of each wins) and turned into a list when sent.
  type Filling = Omit<ReactBeacon, 'vitals' | 'now'> & { vitals: Record<string, ReactBeaconVital> };
  type List = 'interactions' | 'longTasks' | 'heap';
  const fresh = (): Filling => ({
    v: 1,
    kind: REACT_BEACON_KIND,
    subject: options.subject,
    routes: history,
    vitals: {},
    interactions: [],
    longTasks: [],
    heap: [],
    dropped: {},
    faults: 0,
  });
  let b: Filling;
  let closed = false;
  const drop = (what: string) => {
    b.dropped![what] = (b.dropped![what] || 0) + 1;
  };
  /** Appends to a list of the beacon, capped at 500, or counts the drop under the list's name. */
  const add = <K extends List>(list: K, item: NonNullable<ReactBeacon[K]>[number]) => {
    const l = b[list] as unknown[];
    if (l.length < 500) l.push(item);
    else drop(list);
  };
  const onFault = (err: unknown) => {
    b.faults!++;
    b.fault = String(err).slice(0, 500);
  };
  const safe = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      onFault(err);
    }
  };
  // 500 component names: bounded whatever the app renders.
  const renders = createRenderCounters(500, onFault);
  if (options.activate !== false) setActiveRenderTracker(renders);
  const sampleHeap = () => {
    const m = (performance as Memory).memory;
    if (m) add('heap', [now(), m.usedJSHeapSize, m.jsHeapSizeLimit]);
  };
  const routes = createRouteSource(
    options.route ?? (() => location.pathname),
    () =>
      safe(() => {
        renders.nav();
        sampleHeap();
      }),
    signal,
  );
  const history = routes.history;
  b = fresh();

  if (options.webVitals !== false) {
    safe(() =>
      watchVitals((id, v) => {
        b.vitals[id] = v;
      }),
    );
  }

  const resources = new Map<string, ReactBeaconResource>();
  const onResource = (e: PerformanceResourceTiming & { contentType?: string }) => {
    const i = e.initiatorType;
    const u = redactUrlPath(e.name);
    const route = history[history.length - 1]![1];
    const k = `${route} ${u}`;
    let r = resources.get(k);
    // Our own beacons (a fetch fallback, rare, is counted as an API call).
    if (i === 'beacon') return;
    if (!r) {
      if (resources.size >= 300) return drop('resources');
      r = { u, r: route, i, n: 0, t: 0, e: 0, d: 0 };
      resources.set(k, r);
      if (e.contentType) r.ct = e.contentType;
    }
    r.n++;
    r.t += e.transferSize;
    r.e += e.encodedBodySize;
    r.d += e.decodedBodySize;
    if (i === 'fetch' || i === 'xmlhttprequest') bucket(r, 'ms', e.duration);
  };
  // Event Timing: every event of 40 ms or more that belongs to an interaction, with the components whose
  // latest commit falls in it (the observer runs right after the frame is presented).
  const onEvent = (e: EventEntry) => {
    if (e.interactionId) {
      add('interactions', [
        e.interactionId,
        e.name,
        e.startTime,
        e.processingStart,
        e.processingEnd,
        e.duration,
        selector(e.target),
        renders.between(e.startTime, e.startTime + e.duration),
      ]);
    }
  };
  const observers = ['resource', 'longtask', 'event'].map((type) => {
    try {
      const po = new PerformanceObserver((list) =>
        safe(() => {
          for (const e of list.getEntries()) {
            if (type === 'resource') onResource(e as PerformanceResourceTiming);
            else if (type === 'event') onEvent(e as EventEntry);
            else add('longTasks', [e.startTime, e.duration]);
          }
        }),
      );
      po.observe({ type, buffered: true, durationThreshold: 40 } as PerformanceObserverInit);
      return po;
    } catch {
      return undefined;
    }
  });

  const flush = (): number => {
    let sent = 0;
    if (!closed) {
      safe(() => {
        sampleHeap();
        const p = b as unknown as ReactBeacon;
        p.vitals = Object.values(b.vitals);
        p.resources = [...resources.values()];
        p.renders = renders.take();
        p.durations = renders.durations;
        // The window the page load's TBT and TTI are computed over: to the first input, or to now.
        p.input = performance.getEntriesByType('first-input')[0]?.startTime;
        p.now = now();
        // Sent even when nothing is new (a tab hidden again): its gauges repeat, its counters add nothing.
        b = fresh();
        // What the split drops is counted in the fresh beacon.
        for (const body of splitBeacon(p, options.limitBytes || DEFAULT_BEACON_LIMIT_BYTES, () =>
          drop('beacon-size'),
        )) {
          sendBody(options.endpoint, body);
          sent++;
        }
        for (const r of resources.values()) {
          r.n = 0;
          r.ms = undefined;
        }
      });
    }
    return sent;
  };

  const onVisibility = () => {
    if (document.visibilityState === 'hidden') flush();
  };
  // On document, bubbling: runs after web-vitals' window capture listener has reported final values. Every
  // browser that unloads a page makes it hidden first, so pagehide adds nothing (web-vitals relies on it too).
  document.addEventListener('visibilitychange', onVisibility, { signal });

  return {
    renders,
    flush,
    navigate: routes.navigate,
    close() {
      if (closed) return;
      flush();
      closed = true;
      safe(() => {
        stop.abort();
        for (const o of observers) o?.disconnect();
        if (getActiveRenderTracker() === renders) setActiveRenderTracker(undefined);
      });
    },
  };
}
