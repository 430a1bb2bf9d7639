import type { Audit } from '@perf/core';
import {
  type CLSMetricWithAttribution,
  type INPMetricWithAttribution,
  type MetricWithAttribution,
  onCLS,
  onFCP,
  onINP,
  onLCP,
  onTTFB,
} from 'web-vitals/attribution';
import type { RenderTracker } from '../render/renderTracker.js';
import { type RouteSource, redactUrlPath } from './route.js';

/** Report name per web-vitals metric. FID is gone (web-vitals v5+): INP replaced it as a Core Web Vital. */
const NAMES = {
  LCP: 'webvitals.lcp',
  INP: 'webvitals.inp',
  CLS: 'webvitals.cls',
  FCP: 'webvitals.fcp',
  TTFB: 'webvitals.ttfb',
} as const;

interface Pending {
  name: (typeof NAMES)[keyof typeof NAMES];
  value: number;
  rating: string;
  route: string;
}

export interface WebVitalsOptions {
  /** INP above this (ms) links the interaction to the components that rendered in it. Default 200. */
  slowInteractionMs: number;
  /** Pass web-vitals' reportSoftNavs (Chrome's soft-navigation API) for per-route SPA values. Default false. */
  softNavigations: boolean;
}

/**
 * Subscribes to web-vitals (attribution build). The latest value per metric instance is kept and recorded
 * at flush, so a value web-vitals updates (CLS, INP) lands once. web-vitals has no unsubscribe: after
 * close() the callbacks are ignored.
 */
export class WebVitalsCollector {
  private pending = new Map<string, Pending>();
  /** FCP, LCP and CLS of the page load itself (not of soft navigations), for the Lighthouse-style score. */
  private readonly load: { FCP?: number; LCP?: number; CLS?: number } = {};
  private closed = false;
  private linked = new Set<number>();

  constructor(
    private readonly audit: Audit,
    private readonly tracker: RenderTracker,
    private readonly routes: RouteSource,
    private readonly options: WebVitalsOptions,
  ) {
    const opts = { reportSoftNavs: options.softNavigations };
    const handle = (m: MetricWithAttribution) => {
      if (this.closed) return;
      audit.safely('webvitals', () => this.onMetric(m));
    };
    onLCP(handle, opts);
    onCLS(handle, opts);
    onFCP(handle, opts);
    onTTFB(handle, opts);
    // reportAllChanges: each new worst interaction arrives while its renders are still in the ring buffer.
    onINP(handle, { ...opts, reportAllChanges: true });
  }

  private routeOf(m: MetricWithAttribution): string {
    if (m.navigationType === 'soft-navigation' && m.navigationURL) {
      try {
        return redactUrlPath(new URL(m.navigationURL).pathname);
      } catch {
        // fall through to the time-based route
      }
    }
    if (m.name === 'INP') {
      const t = (m as INPMetricWithAttribution).attribution.interactionTime;
      if (t !== undefined) return this.routes.at(t);
    }
    if (m.name === 'CLS') {
      const t = (m as CLSMetricWithAttribution).attribution.largestShiftTime;
      if (t !== undefined) return this.routes.at(t);
    }
    return this.routes.at(m.navigationStartTime ?? 0);
  }

  private onMetric(m: MetricWithAttribution): void {
    if (
      m.navigationType !== 'soft-navigation' &&
      (m.name === 'FCP' || m.name === 'LCP' || m.name === 'CLS')
    ) {
      this.load[m.name] = m.value;
    }
    const route = this.routeOf(m);
    this.pending.set(m.id, { name: NAMES[m.name], value: m.value, rating: m.rating, route });
    if (m.name === 'INP' && m.value > this.options.slowInteractionMs) this.linkInteraction(m, route);
  }

  private linkInteraction(m: INPMetricWithAttribution, route: string): void {
    const a = m.attribution;
    const start = a.interactionTime ?? 0;
    if (this.linked.has(start)) return;
    this.linked.add(start);
    const end = a.nextPaintTime ?? start + m.value;
    const components = this.tracker.componentsRenderedBetween(start, end);
    const target = a.interactionTarget || '(unknown target)';
    const script = a.longestScript?.entry;
    this.audit.finding({
      rule: 'react.slow-interaction',
      key: `${route} ${target}`,
      area: 'frontend',
      severity: m.rating === 'poor' ? 'warning' : 'info',
      title: `Slow ${a.interactionType ?? ''} interaction on ${target}: ${Math.round(m.value)} ms${components.length ? ` (rendered ${components.slice(0, 5).join(', ')})` : ''}`,
      message: `Input delay ${Math.round(a.inputDelay)} ms, processing ${Math.round(a.processingDuration)} ms, presentation ${Math.round(a.presentationDelay)} ms.${script ? ` Longest script: ${script.invoker || script.name} (${script.sourceURL ? redactUrlPath(script.sourceURL) : 'inline'}).` : ''}`,
      evidence: {
        attributes: { 'page.route': route, ...(components[0] ? { 'react.component': components[0] } : {}) },
        metrics: [
          {
            name: 'webvitals.inp',
            attributes: { 'page.route': route, rating: m.rating },
            value: m.value,
            unit: 'ms',
          },
        ],
        details: {
          components: components.slice(0, 20),
          target,
          inputDelay: a.inputDelay,
          processingDuration: a.processingDuration,
          presentationDelay: a.presentationDelay,
          interactionTime: start,
        },
      },
      recommendation:
        'Keep event handlers short: move heavy work off the main thread (a Web Worker) or split it (scheduler.yield, startTransition for non-urgent updates), and memoize the components that re-render on this interaction.',
      how: {
        method: 'exact',
        source: 'web-vitals INP attribution joined with commit times of tracked components',
      },
    });
  }

  /** The page load's FCP, LCP and CLS as far as web-vitals has reported them. */
  pageLoad(): { FCP?: number; LCP?: number; CLS?: number } {
    return { ...this.load };
  }

  /** Records the latest value of each reported metric instance. */
  flush(): void {
    for (const p of this.pending.values()) {
      this.audit.histogram(p.name, { 'page.route': p.route, rating: p.rating }).record(p.value);
    }
    this.pending.clear();
    if (this.linked.size > 1000) this.linked.clear();
  }

  close(): void {
    this.closed = true;
    this.pending.clear();
  }
}
