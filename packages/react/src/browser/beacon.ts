import { type AuditReport, type Finding, type Metric, summarize } from '@perf/core/recorder';

/** sendBeacon's per-page in-flight quota is 64 KiB; keep each body under it with room to spare. */
export const DEFAULT_BEACON_LIMIT_BYTES = 60_000;

const bytes = (s: string) =>
  typeof TextEncoder !== 'undefined' ? new TextEncoder().encode(s).length : s.length * 3;

/** Trims what can be trimmed from a metric or finding that alone exceeds the limit. */
function slim<T extends Metric | Finding>(item: T): T {
  const copy = structuredClone(item) as T & { timeline?: unknown; evidence?: Finding['evidence'] };
  if ('timeline' in copy) delete copy.timeline;
  if (copy.evidence)
    copy.evidence = { ...(copy.evidence.attributes ? { attributes: copy.evidence.attributes } : {}) };
  return copy;
}

/**
 * Splits a report into JSON bodies each under `limitBytes`: every part is a valid report with the same run
 * id, a share of the metrics and findings, and its own summary; budgets and diagnostics ride on the first.
 * An item too large even alone is slimmed (timelines and evidence dropped), or dropped and counted.
 */
export function splitReport(report: AuditReport, limitBytes = DEFAULT_BEACON_LIMIT_BYTES): string[] {
  const whole = JSON.stringify(report);
  if (bytes(whole) <= limitBytes) return [whole];
  const header = { ...report, metrics: [] as Metric[], findings: [] as Finding[], budgets: [] };
  const base = bytes(JSON.stringify(header)) + 2048; // room for the summary and diagnostics of a part
  const parts: { metrics: Metric[]; findings: Finding[]; size: number }[] = [];
  let current = { metrics: [] as Metric[], findings: [] as Finding[], size: base };
  let dropped = 0;
  const place = (item: Metric | Finding, kind: 'metrics' | 'findings') => {
    let size = bytes(JSON.stringify(item)) + 1;
    if (base + size > limitBytes) {
      item = slim(item);
      size = bytes(JSON.stringify(item)) + 1;
      if (base + size > limitBytes) {
        dropped++;
        return;
      }
    }
    if (current.size + size > limitBytes) {
      parts.push(current);
      current = { metrics: [], findings: [], size: base };
    }
    (current[kind] as (Metric | Finding)[]).push(item);
    current.size += size;
  };
  for (const m of report.metrics) place(m, 'metrics');
  for (const f of report.findings) place(f, 'findings');
  if (current.metrics.length || current.findings.length || parts.length === 0) parts.push(current);
  return parts.map((p, i) => {
    const budgets = i === 0 ? report.budgets : [];
    const diagnostics =
      i === 0
        ? {
            ...report.diagnostics,
            droppedSeries: {
              ...report.diagnostics.droppedSeries,
              ...(dropped ? { '(beacon-size)': dropped } : {}),
            },
          }
        : { droppedSeries: {}, droppedFindings: 0, collectorErrors: [] };
    return JSON.stringify({
      ...report,
      metrics: p.metrics,
      findings: p.findings,
      budgets,
      summary: summarize(p.metrics, p.findings, budgets),
      diagnostics,
    });
  });
}

/**
 * Sends one body: navigator.sendBeacon first (survives unload), fetch keepalive when the beacon is refused.
 * Same-origin bodies go as application/json; cross-origin ones as text/plain, which needs no CORS preflight.
 * Never throws; returns how it was sent.
 */
export function sendBody(endpoint: string, body: string): 'beacon' | 'fetch' | 'failed' {
  try {
    const sameOrigin =
      typeof location === 'undefined' || new URL(endpoint, location.href).origin === location.origin;
    const type = sameOrigin ? 'application/json' : 'text/plain;charset=UTF-8';
    const nav = typeof navigator !== 'undefined' ? navigator : undefined;
    if (nav && typeof nav.sendBeacon === 'function' && nav.sendBeacon(endpoint, new Blob([body], { type }))) {
      return 'beacon';
    }
    if (typeof fetch === 'function') {
      fetch(endpoint, {
        method: 'POST',
        body,
        keepalive: true,
        headers: { 'content-type': type },
        credentials: 'same-origin',
      }).catch(() => undefined);
      return 'fetch';
    }
  } catch {
    // a profiler never breaks its host
  }
  return 'failed';
}
