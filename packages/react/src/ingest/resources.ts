import type { Audit } from '@perf/core';
import { redactUrlPath } from '../redactUrlPath.js';
import { recordBuckets } from './buckets.js';
import type { ReactBeacon } from './schema.js';

/** What a fetched resource is, from its initiator and URL (or its content type where Chrome gives it). */
export type ResourceKind = 'script' | 'stylesheet' | 'image' | 'font' | 'api' | 'other';

export interface ResourceOptions {
  /** An image at least this many bytes, not WebP/AVIF/SVG, is a 'frontend.large-image' finding. */
  largeImageBytes: number;
  /** More API calls (fetch/XHR) than this on one route in one beacon is a 'frontend.excessive-api-calls' finding. */
  maxApiCallsPerPage: number;
}

const MODERN_IMAGE = new Set(['webp', 'avif', 'svg']);

/** Image format from the content type, else the URL's extension ('unknown' when neither says). */
export function imageFormat(url: string, contentType?: string): string {
  const ct = contentType?.toLowerCase();
  if (ct?.startsWith('image/')) {
    const sub = ct.slice(6).split(/[;+]/)[0]!;
    return sub === 'jpg' ? 'jpeg' : sub;
  }
  const ext = /\.([a-z0-9]+)$/i.exec(redactUrlPath(url))?.[1]?.toLowerCase();
  if (!ext) return 'unknown';
  return ext === 'jpg' ? 'jpeg' : ext;
}

/** Classifies a resource timing entry. */
export function classifyResource(e: {
  name: string;
  initiatorType: string;
  contentType?: string;
}): ResourceKind {
  const path = redactUrlPath(e.name).toLowerCase();
  const ct = e.contentType?.toLowerCase() ?? '';
  if (e.initiatorType === 'fetch' || e.initiatorType === 'xmlhttprequest') {
    return ct.startsWith('image/') ? 'image' : 'api';
  }
  if (e.initiatorType === 'script' || /\.m?js$/.test(path) || ct.includes('javascript')) return 'script';
  if (e.initiatorType === 'css' || path.endsWith('.css') || ct === 'text/css') return 'stylesheet';
  if (e.initiatorType === 'img' || e.initiatorType === 'image' || ct.startsWith('image/')) return 'image';
  if (/\.(png|jpe?g|gif|webp|avif|svg|bmp|ico)$/.test(path)) return 'image';
  if (/\.(woff2?|ttf|otf)$/.test(path) || ct.startsWith('font/')) return 'font';
  return 'other';
}

/**
 * Resource Timing of a beacon into the audit: per route and resource type, loads (counter) and bytes since
 * page load (gauges: transfer = on the wire with headers, 0 from cache; encoded = compressed body; decoded =
 * uncompressed); image bytes per format and large non-WebP/AVIF images; fetch/XHR calls and durations, and
 * the routes with too many of them in the beacon (a beacon normally covers one page view: it goes when the
 * page is hidden). Cross-origin resources without Timing-Allow-Origin report 0 bytes: counted, not sized.
 */
export function recordResources(audit: Audit, beacon: ReactBeacon, options: ResourceOptions): void {
  const sizes = new Map<string, { route: string; kind: ResourceKind; t: number; e: number; d: number }>();
  const api = new Map<string, Record<string, number>>();
  for (const r of beacon.resources ?? []) {
    const kind = classifyResource({ name: r.u, initiatorType: r.i, contentType: r.ct });
    const key = `${r.r}\u0000${kind}`;
    const s = sizes.get(key) ?? { route: r.r, kind, t: 0, e: 0, d: 0 };
    sizes.set(key, s);
    s.t += r.t;
    s.e += r.e;
    s.d += r.d;
    if (r.n === 0) continue;
    const attrs = { 'page.route': r.r };
    audit
      .counter(
        'frontend.resource.count',
        { ...attrs, 'resource.type': kind },
        { unit: '{resource}', area: 'frontend' },
      )
      .add(r.n);
    if (kind === 'api') {
      const endpoints = api.get(r.r) ?? {};
      api.set(r.r, endpoints);
      endpoints[r.u] = (endpoints[r.u] ?? 0) + r.n;
      audit.counter('frontend.api.calls', attrs, { unit: '{request}', area: 'frontend' }).add(r.n);
      if (r.ms)
        recordBuckets(
          audit.histogram('frontend.api.duration', attrs, { unit: 'ms', area: 'frontend' }),
          r.ms,
        );
    }
    // Cross-origin without Timing-Allow-Origin: size unknown.
    if (kind === 'image' && Math.max(r.e, r.d) > 0) image(audit, r, options);
  }
  for (const s of sizes.values()) {
    const attrs = { 'page.route': s.route, 'resource.type': s.kind };
    for (const [k, v] of [
      ['transfer', s.t],
      ['encoded', s.e],
      ['decoded', s.d],
    ] as const) {
      audit
        .gauge('frontend.resource.size', { ...attrs, 'size.kind': k }, { unit: 'B', area: 'frontend' })
        .set(v);
    }
  }
  for (const [route, endpoints] of api) {
    const calls = Object.values(endpoints).reduce((a, b) => a + b, 0);
    if (calls > options.maxApiCallsPerPage) apiFinding(audit, route, calls, endpoints, options);
  }
}

type BeaconResource = NonNullable<ReactBeacon['resources']>[number];

function image(audit: Audit, r: BeaconResource, options: ResourceOptions): void {
  const format = imageFormat(r.u, r.ct);
  // Bytes of the image on this route since page load (a browser loads an image once and then serves it from
  // its memory cache, which makes no new Resource Timing entry): the body, compressed or not, whichever is larger.
  const size = Math.max(r.e, r.d);
  audit
    .histogram('frontend.image.size', { 'image.format': format }, { unit: 'B', area: 'frontend' })
    .record(size, r.n);
  if (size < options.largeImageBytes || MODERN_IMAGE.has(format)) return;
  audit.finding({
    rule: 'frontend.large-image',
    key: r.u,
    area: 'frontend',
    severity: size >= 4 * options.largeImageBytes ? 'warning' : 'info',
    title: `Large ${format.toUpperCase()} image: ${Math.round(size / 1024)} KiB (${r.u.slice(-80)})`,
    evidence: {
      attributes: { 'page.route': r.r, 'image.format': format },
      samples: [r.u.slice(0, 4096)],
      details: { bytes: size, transferBytes: r.t, loads: r.n, format, url: r.u },
    },
    recommendation:
      'Serve the image as WebP or AVIF, sized to its rendered dimensions (srcset/sizes), and lazy-load it when below the fold.',
    how: { method: 'exact', source: 'Resource Timing encodedBodySize/decodedBodySize' },
  });
}

function apiFinding(
  audit: Audit,
  route: string,
  calls: number,
  endpoints: Record<string, number>,
  options: ResourceOptions,
): void {
  const max = options.maxApiCallsPerPage;
  const top = Object.entries(endpoints)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10);
  const repeated = top.filter(([, n]) => n > 1);
  audit.finding({
    rule: 'frontend.excessive-api-calls',
    key: route,
    area: 'frontend',
    severity: calls > 3 * max ? 'warning' : 'info',
    title: `${calls} API calls on ${route} (limit ${max})`,
    message: repeated.length
      ? `Repeated endpoints: ${repeated.map(([p, n]) => `${p} ×${n}`).join(', ')}.`
      : undefined,
    evidence: {
      attributes: { 'page.route': route },
      samples: top.map(([p, n]) => `${n}× ${p}`.slice(0, 4096)),
      details: { calls, limit: max },
    },
    recommendation:
      'Batch or paginate requests, deduplicate repeated calls with a client cache (e.g. React Query/SWR), and move per-item fetches into one list endpoint.',
    how: { method: 'exact', source: 'Resource Timing (fetch and XHR initiators) per route and beacon' },
  });
}
