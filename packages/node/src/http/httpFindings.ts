import type { Audit } from '@perf/core';
import { RECOMMENDATIONS } from '../recommendations.js';
import type { HttpInstrumentation } from './httpInstrumentation.js';

const HOW = { method: 'exact', source: '@perf/node http middleware' } as const;

const kb = (b: number) => `${(b / 1024).toFixed(1)} KiB`;

/**
 * Raises the HTTP findings for every route that served requests since the previous collect(), so a finding's
 * occurrences count the report windows in which it held, not the number of times a report was asked for.
 */
export function raiseHttpFindings(inst: HttpInstrumentation, audit: Audit): void {
  const o = inst.options;
  for (const s of inst.routeStats()) {
    if (s.total === s.seenTotal) continue;
    const fresh = s.total - s.seenTotal;
    s.seenTotal = s.total;
    const attributes = { 'http.request.method': s.method, 'http.route': s.route };
    const where = `${s.method} ${s.route}`;
    if (s.total >= o.minRequests) {
      const latency = s.latency();
      const p95 = latency.quantile(0.95);
      if (p95 > o.slowRouteMs) {
        audit.finding({
          rule: 'http.slow-endpoint',
          key: where,
          area: 'backend',
          severity: p95 > o.slowRouteMs * 5 ? 'critical' : 'warning',
          title: `${where} p95 is ${p95.toFixed(0)} ms (budget ${o.slowRouteMs} ms)`,
          message: `Over ${s.total} requests the 95th percentile latency of ${where} exceeds the API target.`,
          evidence: {
            metrics: [
              { name: 'http.server.request.duration', attributes, statistic: 'p95', value: p95, unit: 'ms' },
              {
                name: 'http.server.request.duration',
                attributes,
                statistic: 'p99',
                value: latency.quantile(0.99),
                unit: 'ms',
              },
            ],
            attributes,
            details: { requests: s.total, budgetMs: o.slowRouteMs, newRequests: fresh },
          },
          recommendation: RECOMMENDATIONS.slowEndpoint,
          impact: {
            share: inst.timeMs > 0 ? Math.min(1, s.timeMs / inst.timeMs) : 0,
            of: 'request time',
            scope: where,
            savingMs: s.overBudgetMs,
            basis:
              `${where} took ${Math.round(s.timeMs)} ms of the ${Math.round(inst.timeMs)} ms all routes took; ` +
              `meeting the ${o.slowRouteMs} ms budget saves the ${Math.round(s.overBudgetMs)} ms its requests spent above it.`,
          },
          how: HOW,
        });
      }
      const rate = s.byClass[4]! / s.total;
      if (rate > o.errorRate) {
        audit.finding({
          rule: 'http.error-rate',
          key: where,
          area: 'backend',
          severity: rate > 0.05 ? 'critical' : 'warning',
          title: `${where} answers ${(rate * 100).toFixed(2)}% of requests with 5xx`,
          message: `${s.byClass[4]} of ${s.total} requests failed with a server error (target < ${o.errorRate * 100}%).`,
          evidence: {
            metrics: [
              { name: 'http.server.requests', attributes: { ...attributes, 'http.status_class': '5xx' } },
            ],
            attributes,
            details: { requests: s.total, errors5xx: s.byClass[4]!, errors4xx: s.byClass[3]!, rate },
          },
          recommendation: RECOMMENDATIONS.errorRate,
          how: HOW,
        });
      }
    }
    if (s.uncompressed > s.uncompressedSeen) {
      s.uncompressedSeen = s.uncompressed;
      audit.finding({
        rule: 'http.uncompressed-response',
        key: where,
        area: 'backend',
        severity: 'warning',
        title: `${where} sends bodies up to ${kb(s.uncompressedMaxBytes)} without compression`,
        message:
          `${s.uncompressed} responses of at least ${kb(o.uncompressedBytes)} had no Content-Encoding although ` +
          `the request's Accept-Encoding allowed ${[...s.uncompressedAccepted].join(', ')}.` +
          (s.uncompressedUnasked
            ? ` ${s.uncompressedUnasked} more went to requests that allowed no compression and are not counted.`
            : ''),
        evidence: {
          metrics: [{ name: 'http.server.response.body.size', attributes, statistic: 'max', unit: 'B' }],
          attributes,
          details: {
            responses: s.uncompressed,
            acceptedEncodings: [...s.uncompressedAccepted].join(', '),
            notAskedToCompress: s.uncompressedUnasked,
            maxBytes: s.uncompressedMaxBytes,
            thresholdBytes: o.uncompressedBytes,
            contentType: s.uncompressedType || null,
          },
        },
        recommendation: RECOMMENDATIONS.uncompressed,
        how: HOW,
      });
    }
    if (s.large > s.largeSeen) {
      s.largeSeen = s.large;
      audit.finding({
        rule: 'http.large-payload',
        key: where,
        area: 'backend',
        severity: s.largeMaxBytes >= o.largePayloadBytes * 10 ? 'critical' : 'warning',
        title: `${where} returns payloads up to ${kb(s.largeMaxBytes)}`,
        message: `${s.large} responses were at least ${kb(o.largePayloadBytes)}.`,
        evidence: {
          metrics: [{ name: 'http.server.response.body.size', attributes, statistic: 'max', unit: 'B' }],
          attributes,
          details: { responses: s.large, maxBytes: s.largeMaxBytes, thresholdBytes: o.largePayloadBytes },
        },
        recommendation: RECOMMENDATIONS.largePayload,
        how: HOW,
      });
    }
  }
}
