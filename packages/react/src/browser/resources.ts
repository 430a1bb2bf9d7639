import type { Audit } from '@perf/core';
import { redactUrlPath } from './route.js';

/** What a fetched resource is, from its initiator and URL (or its content type where Chrome gives it). */
export type ResourceKind = 'script' | 'stylesheet' | 'image' | 'font' | 'api' | 'other';

export interface ResourceOptions {
  /** An image at least this many bytes, not WebP/AVIF/SVG, is a 'frontend.large-image' finding. Default 100 000. */
  largeImageBytes: number;
  /** More API calls (fetch/XHR) than this on one page is a 'frontend.excessive-api-calls' finding. Default 30. */
  maxApiCallsPerPage: number;
  /** The beacon endpoint, left out of API calls. */
  endpoint: string;
}

interface ResourceEntryLike {
  name: string;
  initiatorType: string;
  transferSize: number;
  encodedBodySize: number;
  decodedBodySize: number;
  duration: number;
  contentType?: string;
}

const MODERN_IMAGE = new Set(['webp', 'avif', 'svg']);
const MAX_ENDPOINTS = 50;
const MAX_IMAGES_FLAGGED = 50;

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
 * Resource Timing per page route: bytes per kind (transfer = on the wire with headers, 0 from cache;
 * encoded = compressed body; decoded = uncompressed), image bytes and formats, API calls per page.
 * Cross-origin resources without Timing-Allow-Origin report 0 bytes and are counted but not sized.
 */
export class ResourceCollector {
  private sizes = new Map<
    string,
    { kind: ResourceKind; route: string; transfer: number; encoded: number; decoded: number }
  >();
  private apiCalls = 0;
  private apiEndpoints = new Map<string, number>();
  private flaggedImages = new Set<string>();
  private apiFlagged = false;

  constructor(
    private readonly audit: Audit,
    private readonly options: ResourceOptions,
    private readonly route: () => string,
  ) {}

  add(e: ResourceEntryLike): void {
    if (e.initiatorType === 'beacon') return;
    const path = redactUrlPath(e.name);
    const endpoint = redactUrlPath(new URL(this.options.endpoint, e.name).href);
    if (path === endpoint) return;
    const kind = classifyResource(e);
    const route = this.route();
    const key = `${route}\u0000${kind}`;
    let s = this.sizes.get(key);
    if (!s) {
      s = { kind, route, transfer: 0, encoded: 0, decoded: 0 };
      this.sizes.set(key, s);
    }
    s.transfer += e.transferSize || 0;
    s.encoded += e.encodedBodySize || 0;
    s.decoded += e.decodedBodySize || 0;
    this.audit
      .counter(
        'frontend.resource.count',
        { 'page.route': route, 'resource.type': kind },
        { unit: '{resource}' },
      )
      .add();
    if (kind === 'image') this.image(e, path, route);
    if (kind === 'api') {
      this.apiCalls++;
      this.audit.counter('frontend.api.calls', { 'page.route': route }, { unit: '{request}' }).add();
      this.audit
        .histogram('frontend.api.duration', { 'page.route': route }, { unit: 'ms' })
        .record(e.duration);
      if (this.apiEndpoints.has(path) || this.apiEndpoints.size < MAX_ENDPOINTS) {
        this.apiEndpoints.set(path, (this.apiEndpoints.get(path) ?? 0) + 1);
      }
    }
  }

  private image(e: ResourceEntryLike, path: string, route: string): void {
    const size = Math.max(e.encodedBodySize || 0, e.decodedBodySize || 0);
    if (size === 0) return; // cross-origin without Timing-Allow-Origin: size unknown
    const format = imageFormat(e.name, e.contentType);
    this.audit.histogram('frontend.image.size', { 'image.format': format }, { unit: 'B' }).record(size);
    if (size < this.options.largeImageBytes || MODERN_IMAGE.has(format)) return;
    if (this.flaggedImages.has(path) || this.flaggedImages.size >= MAX_IMAGES_FLAGGED) return;
    this.flaggedImages.add(path);
    const shown = renderedSize(e.name);
    this.audit.finding({
      rule: 'frontend.large-image',
      key: path,
      area: 'frontend',
      severity: size >= 4 * this.options.largeImageBytes ? 'warning' : 'info',
      title: `Large ${format.toUpperCase()} image: ${Math.round(size / 1024)} KiB (${path.slice(-80)})`,
      message: shown
        ? `Decoded ${shown.naturalWidth}×${shown.naturalHeight}, shown at ${shown.width}×${shown.height} CSS px.`
        : undefined,
      evidence: {
        attributes: { 'page.route': route, 'image.format': format },
        samples: [path],
        details: { bytes: size, transferBytes: e.transferSize || 0, format, url: path, ...(shown ?? {}) },
      },
      recommendation:
        'Serve the image as WebP or AVIF, sized to its rendered dimensions (srcset/sizes), and lazy-load it when below the fold.',
      how: { method: 'exact', source: 'Resource Timing encodedBodySize/decodedBodySize' },
    });
  }

  /** Writes per-route byte gauges and checks the API call count of the page being left (or shown now). */
  flush(): void {
    for (const s of this.sizes.values()) {
      const attrs = { 'page.route': s.route, 'resource.type': s.kind };
      this.audit
        .gauge('frontend.resource.size', { ...attrs, 'size.kind': 'transfer' }, { unit: 'B' })
        .set(s.transfer);
      this.audit
        .gauge('frontend.resource.size', { ...attrs, 'size.kind': 'encoded' }, { unit: 'B' })
        .set(s.encoded);
      this.audit
        .gauge('frontend.resource.size', { ...attrs, 'size.kind': 'decoded' }, { unit: 'B' })
        .set(s.decoded);
    }
    this.checkApiCalls(this.route());
  }

  /** A navigation: the page's API calls are judged and counting starts over. */
  pageChanged(previousRoute: string): void {
    this.checkApiCalls(previousRoute);
    this.apiCalls = 0;
    this.apiEndpoints.clear();
    this.apiFlagged = false;
  }

  private checkApiCalls(route: string): void {
    if (this.apiFlagged || this.apiCalls <= this.options.maxApiCallsPerPage) return;
    this.apiFlagged = true;
    const top = [...this.apiEndpoints.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
    const repeated = top.filter(([, n]) => n > 1);
    this.audit.finding({
      rule: 'frontend.excessive-api-calls',
      key: route,
      area: 'frontend',
      severity: this.apiCalls > 3 * this.options.maxApiCallsPerPage ? 'warning' : 'info',
      title: `${this.apiCalls} API calls on ${route} (limit ${this.options.maxApiCallsPerPage})`,
      message: repeated.length
        ? `Repeated endpoints: ${repeated.map(([p, n]) => `${p} ×${n}`).join(', ')}.`
        : undefined,
      evidence: {
        attributes: { 'page.route': route },
        samples: top.map(([p, n]) => `${n}× ${p}`),
        details: { calls: this.apiCalls, limit: this.options.maxApiCallsPerPage },
      },
      recommendation:
        'Batch or paginate requests, deduplicate repeated calls with a client cache (e.g. React Query/SWR), and move per-item fetches into one list endpoint.',
      how: { method: 'exact', source: 'Resource Timing (fetch and XHR initiators)' },
    });
  }
}

function renderedSize(url: string) {
  if (typeof document === 'undefined') return undefined;
  for (const img of Array.from(document.images)) {
    if (img.currentSrc === url && img.naturalWidth > 0) {
      return {
        naturalWidth: img.naturalWidth,
        naturalHeight: img.naturalHeight,
        width: img.clientWidth,
        height: img.clientHeight,
      };
    }
  }
  return undefined;
}
