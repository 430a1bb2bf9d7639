import type { Audit, FindingInput } from '@perf/core';
import { routeAt } from './routeAt.js';
import type { ReactBeacon, ReactBeaconInteraction, ReactBeaconVital } from './schema.js';

export interface VitalsOptions {
  /** An interaction longer than this (ms) is a react.slow-interaction finding naming the components. */
  slowInteractionMs: number;
}

/** Report name per web-vitals metric. FID is gone (web-vitals v5+): INP replaced it as a Core Web Vital. */
const NAMES = {
  LCP: 'webvitals.lcp',
  INP: 'webvitals.inp',
  CLS: 'webvitals.cls',
  FCP: 'webvitals.fcp',
  TTFB: 'webvitals.ttfb',
} as const;

/**
 * A beacon's Core Web Vitals into the audit (one histogram sample per metric instance, with rating and
 * route), the slow interactions (any above the threshold, not only the INP one) with the components that
 * rendered in them, and the element behind a slow LCP or the largest layout shift.
 */
export function recordVitals(audit: Audit, beacon: ReactBeacon, options: VitalsOptions): void {
  const history = beacon.routes;
  for (const v of beacon.vitals ?? []) {
    const route = routeAt(history, v.at ?? v.t);
    audit.histogram(NAMES[v.n], { 'page.route': route, rating: v.r }).record(v.v);
    if (v.r !== 'good' && (v.n === 'LCP' || v.n === 'CLS')) audit.finding(elementFinding(v, route));
  }
  // The events of one interaction (pointerdown, pointerup, click...) share its id: its duration is the
  // longest, its phases as web-vitals' attribution build computes them, its components all of theirs.
  const byId = new Map<number, ReactBeaconInteraction[]>();
  for (const i of beacon.interactions ?? []) byId.set(i[0], [...(byId.get(i[0]) ?? []), i]);
  for (const events of byId.values()) {
    const duration = Math.max(...events.map((e) => e[5]));
    if (duration > options.slowInteractionMs) {
      audit.finding(slowInteraction(events, duration, routeAt(history, events[0]![2])));
    }
  }
}

function slowInteraction(events: ReactBeaconInteraction[], duration: number, route: string): FindingInput {
  const first = events.reduce((a, b) => (b[2] < a[2] ? b : a));
  const [, type, start] = first;
  const target = events.find((e) => e[6])?.[6] || '(unknown target)';
  const components = [...new Set(events.flatMap((e) => e[7]))];
  // Input delay until the first handler ran, processing across all the interaction's events, presentation
  // until the next paint. Durations are rounded to 8 ms, so a phase is clamped at 0.
  const ps = Math.min(...events.map((e) => e[3]));
  const pe = Math.max(...events.map((e) => e[4]));
  const delay = Math.max(0, ps - start);
  const proc = Math.max(0, pe - ps);
  const pres = Math.max(0, start + duration - pe);
  // web-vitals' INP thresholds.
  const rating = duration > 500 ? 'poor' : duration > 200 ? 'needs-improvement' : 'good';
  return {
    rule: 'react.slow-interaction',
    key: `${route} ${target}`,
    area: 'frontend',
    severity: rating === 'poor' ? 'warning' : 'info',
    title: `Slow ${type} interaction on ${target}: ${Math.round(duration)} ms${components.length ? ` (rendered ${components.slice(0, 5).join(', ')})` : ''}`,
    message: `Input delay ${Math.round(delay)} ms, processing ${Math.round(proc)} ms, presentation ${Math.round(pres)} ms.`,
    evidence: {
      attributes: { 'page.route': route, ...(components[0] ? { 'react.component': components[0] } : {}) },
      metrics: [
        {
          name: 'webvitals.inp',
          attributes: { 'page.route': route, rating },
          value: duration,
          unit: 'ms',
        },
      ],
      details: {
        components: components.slice(0, 20),
        target,
        eventType: type,
        events: events.map((e) => e[1]),
        inputDelay: delay,
        processingDuration: proc,
        presentationDelay: pres,
        interactionTime: start,
      },
    },
    recommendation:
      'Keep event handlers short: move heavy work off the main thread (a Web Worker) or split it (scheduler.yield, startTransition for non-urgent updates), and memoize the components that re-render on this interaction.',
    how: {
      method: 'exact',
      source: 'Event Timing entries of the interaction joined with commit times of tracked components',
    },
  };
}

function elementFinding(v: ReactBeaconVital, route: string): FindingInput {
  const el = v.el || '(unknown element)';
  const severity = v.r === 'poor' ? 'warning' : 'info';
  const evidence = {
    attributes: { 'page.route': route },
    metrics: [{ name: NAMES[v.n], attributes: { 'page.route': route, rating: v.r }, value: v.v }],
    details: { element: el, ...(v.url ? { url: v.url } : {}), value: v.v, rating: v.r },
  };
  if (v.n === 'LCP') {
    return {
      rule: 'frontend.slow-lcp',
      key: `${route} ${el}`,
      area: 'frontend',
      severity,
      title: `LCP ${Math.round(v.v)} ms on ${route}: ${el}${v.url ? ` (${v.url.slice(-80)})` : ''}`,
      evidence,
      recommendation:
        'Make the LCP element load first: preload or fetchpriority="high" for its image, no lazy-loading above the fold, a smaller image (WebP/AVIF), and server-rendered text instead of client-only rendering.',
      how: { method: 'exact', source: 'web-vitals LCP entry (element, url)' },
    };
  }
  return {
    rule: 'frontend.layout-shift',
    key: `${route} ${el}`,
    area: 'frontend',
    severity,
    title: `CLS ${v.v.toFixed(3)} on ${route}: largest shift moved ${el}`,
    evidence,
    recommendation:
      'Reserve space for content that appears late (banners, images, ads): width/height or aspect-ratio on media, min-height on slots, and insert new content below the fold or on user action.',
    how: { method: 'exact', source: 'web-vitals CLS entries (largest shift, first source node)' },
  };
}
