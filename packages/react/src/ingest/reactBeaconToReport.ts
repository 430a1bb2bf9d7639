import { type Audit, type AuditReport, createAudit, ReportSchemaError, toSchemaIssues } from '@perf/core';
import { lighthouseScore } from './lighthouseScore.js';
import { estimateBlocking, type LongTask } from './longTasks.js';
import { recordRenders } from './renders.js';
import { recordResources } from './resources.js';
import { routeAt } from './routeAt.js';
import { REACT_BEACON_KIND, type ReactBeacon, ReactBeaconSchema } from './schema.js';
import { recordVitals } from './vitals.js';

/** The thresholds findings are judged by: on the server, so changing them needs no app release. */
export interface ReactIngestOptions {
  /** An interaction longer than this (ms) is a react.slow-interaction finding naming the components. Default 200. */
  slowInteractionMs?: number;
  /** Non-WebP/AVIF/SVG images at least this large are a frontend.large-image finding. Default 100 000 B. */
  largeImageBytes?: number;
  /** More fetch/XHR calls than this on one route in one beacon is frontend.excessive-api-calls. Default 30. */
  maxApiCallsPerPage?: number;
  /** Unnecessary renders of a component in one beacon at which its finding becomes a warning. Default 10. */
  unnecessaryWarnAt?: number;
  /** Navigations over which mounted instances must grow to be react.leak-suspect. Default 3. */
  leakNavigations?: number;
  /** Lighthouse curves for frontend.lighthouse.score. Default 'desktop'. */
  formFactor?: 'desktop' | 'mobile';
}

const COLLECTOR = 'react.browser';

/**
 * Validates a react beacon (parsed JSON) and returns it typed, or throws a ReportSchemaError whose issues
 * name every bad path (`vitals.0.v: ...`).
 */
export function parseReactBeacon(input: unknown): ReactBeacon {
  const v = (input as { v?: unknown } | null)?.v;
  if (v !== undefined && v !== 1) {
    throw new ReportSchemaError(
      [{ path: 'v', message: `unsupported react beacon version ${JSON.stringify(v)}; this server reads 1` }],
      'react beacon',
    );
  }
  const parsed = ReactBeaconSchema.safeParse(input);
  if (!parsed.success) throw new ReportSchemaError(toSchemaIssues(parsed.error), 'react beacon');
  return parsed.data;
}

/**
 * Turns a react beacon (raw numbers from createBrowserAudit) into an AuditReport: Core Web Vitals, TBT/TTI
 * and the Lighthouse-style score of the page load, long tasks, resource bytes, images and API calls, JS heap,
 * React renders, and the findings judged from them (unnecessary renders, slow interactions, leak suspects,
 * large images, excessive API calls...). Throws a ReportSchemaError for a malformed beacon; records nothing
 * anywhere else, so a caller that ingests the result loses nothing when it throws.
 */
export function reactBeaconToReport(input: unknown, options: ReactIngestOptions = {}): AuditReport {
  const beacon = parseReactBeacon(input);
  const audit = createAudit({ subject: beacon.subject });
  recordVitals(audit, beacon, { slowInteractionMs: options.slowInteractionMs ?? 200 });
  recordLoad(audit, beacon, options.formFactor ?? 'desktop');
  recordResources(audit, beacon, {
    largeImageBytes: options.largeImageBytes ?? 100_000,
    maxApiCallsPerPage: options.maxApiCallsPerPage ?? 30,
  });
  recordRenders(audit, beacon, {
    unnecessaryWarnAt: Math.max(1, options.unnecessaryWarnAt ?? 10),
    leakNavigations: Math.max(1, options.leakNavigations ?? 3),
  });
  for (const [, used, limit] of beacon.heap ?? []) {
    audit
      .gauge(
        'browser.memory.heap.used',
        {},
        { unit: 'B', area: 'frontend', description: 'JS heap used (performance.memory).' },
      )
      .set(used);
    audit
      .gauge(
        'browser.memory.heap.limit',
        {},
        { unit: 'B', area: 'frontend', description: 'JS heap limit (performance.memory).' },
      )
      .set(limit);
  }
  const report = audit.report();
  // Everything a browser beacon carries is the page's: a name outside the core catalog (long tasks, resource
  // sizes, API calls, the JS heap, mounted components) would otherwise be filed under the default 'backend'.
  for (const m of report.metrics) m.area = 'frontend';
  if (beacon.faults) {
    report.diagnostics.collectorErrors.push({
      collector: COLLECTOR,
      message: beacon.fault || 'errors caught in the page agent',
      count: beacon.faults,
    });
  }
  for (const [what, n] of Object.entries(beacon.dropped ?? {})) {
    if (n > 0) report.diagnostics.droppedSeries[`(react beacon: ${what})`] = n;
  }
  return report;
}

/** Long-task histograms, and once per page load TBT, the TTI estimate and the Lighthouse-style score. */
function recordLoad(audit: Audit, beacon: ReactBeacon, formFactor: 'desktop' | 'mobile'): void {
  const history = beacon.routes;
  const tasks: LongTask[] = (beacon.longTasks ?? []).map(([start, duration]) => ({ start, duration }));
  for (const t of tasks) {
    audit
      .histogram(
        'frontend.longtask.duration',
        { 'page.route': routeAt(history, t.start), source: 'longtask' },
        { unit: 'ms', area: 'frontend' },
      )
      .record(t.duration);
  }
  // The page load's values: those of navigation start 0 (not a bfcache restore or soft navigation). The
  // beacon with the load's FCP is normally the page's first, so its long tasks are all since page load.
  const page = (n: string) => beacon.vitals?.find((v) => v.n === n && v.t === 0)?.v;
  const fcp = page('FCP');
  if (fcp === undefined) return;
  const est = estimateBlocking(tasks, fcp, Math.min(beacon.input ?? Number.POSITIVE_INFINITY, beacon.now));
  const attrs = { 'page.route': routeAt(history, fcp) };
  audit.histogram('frontend.tbt', attrs).record(est.tbt);
  audit.histogram('frontend.tti', { ...attrs, settled: est.settled }).record(est.tti);
  const lcp = page('LCP');
  if (lcp === undefined) return;
  // CLS counts as 0 until a shift is reported.
  const score = lighthouseScore({ fcp, lcp, tbt: est.tbt, cls: page('CLS') ?? 0 }, formFactor);
  audit
    .gauge('frontend.lighthouse.score', { 'page.route': routeAt(history, 0), 'form.factor': formFactor })
    .set(score);
}

/** Whether a parsed JSON value is a react beacon (of any version) rather than an AuditReport. */
export function isReactBeacon(value: unknown): boolean {
  return (value as { kind?: unknown } | null)?.kind === REACT_BEACON_KIND;
}
