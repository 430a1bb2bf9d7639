import type { ReactBeacon } from '../ingest/schema.js';

/** sendBeacon's per-page in-flight quota is 64 KiB; keep each body under it with room to spare. */
export const DEFAULT_BEACON_LIMIT_BYTES = 60_000;

/**
 * JSON bodies of at most `limitBytes`: a beacon too large is halved (every list but the route history split
 * in two; the fault and drop counts stay in the first half) until each part fits;
 * a part that cannot be split and still does not fit is dropped and counted by `drop`. Every part is a
 * valid beacon on its own.
 */
export function splitBeacon(
  p: ReactBeacon,
  limitBytes: number,
  drop: () => void,
  out: string[] = [],
): string[] {
  const body = JSON.stringify(p);
  const a: Record<string, unknown> = { ...p };
  const b: Record<string, unknown> = { ...p, faults: 0, dropped: {} };
  let halved = 0;
  for (const k in p) {
    const list = (p as unknown as Record<string, unknown[]>)[k]!;
    if (k !== 'routes' && Array.isArray(list)) {
      halved ||= list.length >> 1;
      a[k] = list.slice(0, (list.length + 1) >> 1);
      b[k] = list.slice((list.length + 1) >> 1);
    }
  }
  if (new Blob([body]).size <= limitBytes) out.push(body);
  else if (!halved) drop();
  else {
    splitBeacon(a as ReactBeacon, limitBytes, drop, out);
    splitBeacon(b as ReactBeacon, limitBytes, drop, out);
  }
  return out;
}

/**
 * Sends one body: navigator.sendBeacon first (survives unload), fetch keepalive when the beacon is refused.
 * A string body goes as text/plain;charset=UTF-8, a CORS-safelisted type: no preflight, which an unloading
 * page could not wait for, and @perf/node's beaconHandler reads it as JSON. Never throws; returns how it went.
 */
export function sendBody(endpoint: string, body: string): 'beacon' | 'fetch' | 'failed' {
  try {
    // Node (tests, SSR) has no navigator before v21.
    if (globalThis.navigator?.sendBeacon?.(endpoint, body)) return 'beacon';
    fetch(endpoint, { method: 'POST', body, keepalive: true }).catch(() => 0);
    return 'fetch';
  } catch {
    // a profiler never breaks its host
    return 'failed';
  }
}
