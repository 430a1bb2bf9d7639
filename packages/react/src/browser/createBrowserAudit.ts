import { type Audit, type Budget, createAudit, type Subject } from '@perf/core/recorder';
import { getActiveRenderTracker, setActiveRenderTracker } from '../render/activeTracker.js';
import { RenderTracker, type RenderTrackerOptions } from '../render/renderTracker.js';
import { DEFAULT_BEACON_LIMIT_BYTES, sendBody, splitReport } from './beacon.js';
import { lighthouseScore } from './lighthouseScore.js';
import { estimateBlocking, type LongTask } from './longTasks.js';
import { ResourceCollector } from './resources.js';
import { createRouteSource, defaultRoute, type RouteSource } from './route.js';
import { WebVitalsCollector } from './webVitals.js';

export interface BrowserAuditOptions extends RenderTrackerOptions {
  /** URL the beacons are POSTed to (an @perf/node beaconHandler). */
  endpoint: string;
  /** The app: a name or { name, version, commit, environment }. */
  subject: Subject | string;
  /** Use this Audit instead of creating one. */
  audit?: Audit;
  /** Budgets evaluated in each beacon (the server usually evaluates its own). */
  budgets?: Budget[];
  /** The current route; default location.pathname. Give the router's route template for stable names. */
  route?: () => string;
  /** Maximum bytes per beacon body; larger reports are split. Default 60 000 (sendBeacon allows 64 KiB). */
  limitBytes?: number;
  /** INP above this (ms) is a react.slow-interaction finding naming the components. Default 200. */
  slowInteractionMs?: number;
  /** Non-WebP/AVIF images at least this large are a frontend.large-image finding. Default 100 000 B. */
  largeImageBytes?: number;
  /** More API calls than this per page is a frontend.excessive-api-calls finding. Default 30. */
  maxApiCallsPerPage?: number;
  /** JS heap sampling period (Chrome's performance.memory). 0 disables. Default 10 000 ms. */
  heapSampleMs?: number;
  /** Pass reportSoftNavs to web-vitals (Chrome soft-navigation API). Default false. */
  softNavigations?: boolean;
  /** Collect Core Web Vitals. Default true. */
  webVitals?: boolean;
  /** Make this audit's RenderTracker the default for PerfProfiler/withPerf/useRenderTracking. Default true. */
  activate?: boolean;
  /** Lighthouse curves for the 'frontend.lighthouse.score' of the page load. Default 'desktop'. */
  formFactor?: 'desktop' | 'mobile';
}

/** A browser-side audit that sends itself as beacons when the page is hidden. */
export interface BrowserAudit {
  readonly audit: Audit;
  readonly tracker: RenderTracker;
  /** Sends what was measured since the last flush; returns the number of beacon bodies sent. */
  flush(): number;
  /** Tells the audit the SPA navigated (when the router does not use history or the Navigation API). */
  navigate(route?: string): void;
  /** Sends a last beacon and removes every listener, observer and timer. */
  close(): void;
}

interface MemoryInfo {
  usedJSHeapSize: number;
  jsHeapSizeLimit: number;
}

const MAX_LONG_TASKS = 500;
const COLLECTOR = 'react.browser';

function observe(type: string, fn: (entries: PerformanceEntry[]) => void): PerformanceObserver | undefined {
  try {
    if (typeof PerformanceObserver === 'undefined') return undefined;
    if (!PerformanceObserver.supportedEntryTypes?.includes(type)) return undefined;
    const po = new PerformanceObserver((list) => fn(list.getEntries()));
    po.observe({ type, buffered: true });
    return po;
  } catch {
    return undefined;
  }
}

/**
 * Starts measuring the page: Core Web Vitals per route, long tasks (TBT, TTI estimate), resource bytes,
 * images, API calls, JS heap, and React renders; sends AuditReport beacons on visibilitychange=hidden
 * and pagehide. Never throws into the page: every fault is counted in the report's diagnostics.
 */
export function createBrowserAudit(options: BrowserAuditOptions): BrowserAudit {
  const audit = options.audit ?? createAudit({ subject: options.subject, budgets: options.budgets ?? [] });
  const tracker = new RenderTracker(audit, options);
  if (options.activate !== false) setActiveRenderTracker(tracker);
  const limitBytes = options.limitBytes ?? DEFAULT_BEACON_LIMIT_BYTES;
  const cleanups: (() => void)[] = [];
  let closed = false;
  let blockingRecorded = false;
  let scoreRecorded = false;
  let loadTbt: number | undefined;
  let firstInput = Number.POSITIVE_INFINITY;
  const longTasks: LongTask[] = [];
  let loafOnly = false;

  let resources: ResourceCollector | undefined;
  const routes: RouteSource = createRouteSource(options.route ?? defaultRoute, (route) => {
    audit.safely(COLLECTOR, () => {
      resources?.pageChanged(previousRoute);
      previousRoute = route;
      tracker.markNavigation(route);
    });
  });
  let previousRoute = routes.current();
  cleanups.push(() => routes.close());
  resources = new ResourceCollector(
    audit,
    {
      endpoint: options.endpoint,
      largeImageBytes: options.largeImageBytes ?? 100_000,
      maxApiCallsPerPage: options.maxApiCallsPerPage ?? 30,
    },
    () => routes.current(),
  );
  const res = resources;

  const vitals =
    options.webVitals === false
      ? undefined
      : audit.safely(
          COLLECTOR,
          () =>
            new WebVitalsCollector(audit, tracker, routes, {
              slowInteractionMs: options.slowInteractionMs ?? 200,
              softNavigations: options.softNavigations ?? false,
            }),
        );

  const observers = [
    observe('resource', (entries) => {
      for (const e of entries) audit.safely(COLLECTOR, () => res.add(e as PerformanceResourceTiming));
    }),
    observe('longtask', (entries) => {
      for (const e of entries) {
        if (longTasks.length < MAX_LONG_TASKS) longTasks.push({ start: e.startTime, duration: e.duration });
        audit
          .histogram(
            'frontend.longtask.duration',
            { 'page.route': routes.current(), source: 'longtask' },
            { unit: 'ms' },
          )
          .record(e.duration);
      }
    }),
    observe('long-animation-frame', (entries) => {
      for (const e of entries) {
        const blocking = (e as PerformanceEntry & { blockingDuration?: number }).blockingDuration ?? 0;
        // Where 'longtask' is missing, a frame's blocking time stands in for its long tasks.
        if (loafOnly && blocking > 0 && longTasks.length < MAX_LONG_TASKS) {
          longTasks.push({ start: e.startTime, duration: blocking + 50 });
        }
        audit
          .histogram(
            'frontend.longtask.duration',
            { 'page.route': routes.current(), source: 'long-animation-frame' },
            { unit: 'ms' },
          )
          .record(e.duration);
      }
    }),
  ];
  loafOnly = observers[1] === undefined;
  cleanups.push(() => {
    for (const o of observers) o?.disconnect();
  });

  const onInput = (ev: Event) => {
    if (ev.timeStamp < firstInput) firstInput = ev.timeStamp;
  };
  for (const type of ['pointerdown', 'keydown'] as const) {
    addEventListener(type, onInput, { capture: true, passive: true, once: true });
    cleanups.push(() => removeEventListener(type, onInput, { capture: true }));
  }

  const memory = () => (performance as Performance & { memory?: MemoryInfo }).memory;
  const sampleHeap = () => {
    const m = memory();
    if (!m) return;
    audit
      .gauge('browser.memory.heap.used', {}, { unit: 'B', description: 'JS heap used (performance.memory).' })
      .set(m.usedJSHeapSize);
    audit
      .gauge(
        'browser.memory.heap.limit',
        {},
        { unit: 'B', description: 'JS heap limit (performance.memory).' },
      )
      .set(m.jsHeapSizeLimit);
  };
  const heapMs = options.heapSampleMs ?? 10_000;
  if (heapMs > 0 && memory()) {
    const timer = setInterval(() => {
      audit.safely(COLLECTOR, () => {
        sampleHeap();
        tracker.sample();
      });
    }, heapMs);
    cleanups.push(() => clearInterval(timer));
  }

  const recordBlocking = () => {
    if (blockingRecorded) return;
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
    if (fcp === undefined) return;
    blockingRecorded = true;
    const now = performance.now();
    const est = estimateBlocking(longTasks, fcp, Math.min(firstInput, now));
    const attrs = { 'page.route': routes.at(fcp) };
    audit.histogram('frontend.tbt', attrs).record(est.tbt);
    audit.histogram('frontend.tti', { ...attrs, settled: est.settled }).record(est.tti);
    loadTbt = est.tbt;
  };

  // Once per page load, when FCP, LCP and TBT are known (CLS is 0 until a shift is reported).
  const recordScore = () => {
    const load = vitals?.pageLoad();
    if (scoreRecorded || loadTbt === undefined || load?.FCP === undefined || load.LCP === undefined) return;
    scoreRecorded = true;
    const formFactor = options.formFactor ?? 'desktop';
    const score = lighthouseScore(
      { fcp: load.FCP, lcp: load.LCP, tbt: loadTbt, cls: load.CLS ?? 0 },
      formFactor,
    );
    audit
      .gauge('frontend.lighthouse.score', { 'page.route': routes.at(0), 'form.factor': formFactor })
      .set(score);
  };

  const flush = (): number => {
    if (closed) return 0;
    return (
      audit.safely(COLLECTOR, () => {
        recordBlocking();
        recordScore();
        vitals?.flush();
        res.flush();
        sampleHeap();
        const report = audit.report();
        if (report.metrics.length === 0 && report.findings.length === 0) return 0;
        const bodies = splitReport(report, limitBytes);
        for (const body of bodies) sendBody(options.endpoint, body);
        audit.reset();
        return bodies.length;
      }) ?? 0
    );
  };

  const onVisibility = () => {
    if (document.visibilityState === 'hidden') flush();
  };
  // On document, bubbling: runs after web-vitals' window capture listener has reported final values.
  document.addEventListener('visibilitychange', onVisibility);
  addEventListener('pagehide', flush);
  cleanups.push(() => {
    document.removeEventListener('visibilitychange', onVisibility);
    removeEventListener('pagehide', flush);
  });

  return {
    audit,
    tracker,
    flush,
    navigate: (route) => routes.navigate(route),
    close() {
      if (closed) return;
      flush();
      closed = true;
      for (const c of cleanups.splice(0)) {
        try {
          c();
        } catch {
          // keep removing the rest
        }
      }
      vitals?.close();
      if (getActiveRenderTracker() === tracker) setActiveRenderTracker(undefined);
      void audit.close();
    },
  };
}
