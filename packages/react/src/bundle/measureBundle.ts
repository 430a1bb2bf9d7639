import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Audit } from '@perf/core';

/** Sizes of one entry (an entry chunk with its static imports and CSS, or one file), in bytes. */
export interface BundleSize {
  entry: string;
  files: string[];
  raw: number;
  gzip: number;
  brotli: number;
}

export interface BundleReport {
  dir: string;
  /** Per entry; with a Vite manifest these are the app's entry points, otherwise every JS/CSS file. */
  entries: BundleSize[];
  /** Every JS/CSS file once (shared chunks are not double counted). */
  total: BundleSize;
  /** Whether entries came from a Vite manifest (.vite/manifest.json or manifest.json). */
  fromManifest: boolean;
}

export interface MeasureBundleOptions {
  /** Write 'frontend.bundle.size' gauges {entry, compression} into this audit. */
  audit?: Audit;
  /** gzip level; default 6 (what servers such as nginx and compression() use). */
  gzipLevel?: number;
  /** brotli quality; default 11 (what precompressed static assets use). */
  brotliQuality?: number;
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
}

const ASSET = /\.(m?js|cjs|css)$/;

function walk(dir: string, out: string[] = []): string[] {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) {
      if (d.name !== 'node_modules' && d.name !== '.vite') walk(p, out);
    } else if (ASSET.test(d.name) && !d.name.endsWith('.map')) out.push(p);
  }
  return out;
}

function readManifest(dir: string): Record<string, ManifestChunk> | undefined {
  for (const p of [join(dir, '.vite', 'manifest.json'), join(dir, 'manifest.json')]) {
    if (!existsSync(p)) continue;
    try {
      const m = JSON.parse(readFileSync(p, 'utf8')) as Record<string, ManifestChunk>;
      if (Object.values(m).some((c) => c && typeof c.file === 'string')) return m;
    } catch {
      // not a Vite manifest
    }
  }
  return undefined;
}

/**
 * gzip and brotli sizes of the built JS and CSS in `distDir`, per entry and in total (the 500 KB gzip
 * budget applies to entry 'total', compression 'gzip'). With a Vite manifest, an entry's size includes its
 * static imports and CSS (what loads before it runs); dynamic imports are left out.
 */
export function measureBundle(distDir: string, options: MeasureBundleOptions = {}): BundleReport {
  const level = options.gzipLevel ?? 6;
  const quality = options.brotliQuality ?? 11;
  const cache = new Map<string, { raw: number; gzip: number; brotli: number }>();
  const sizeOf = (rel: string) => {
    let s = cache.get(rel);
    if (!s) {
      const buf = readFileSync(join(distDir, rel));
      s = {
        raw: buf.length,
        gzip: gzipSync(buf, { level }).length,
        brotli: brotliCompressSync(buf, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: quality,
            [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
          },
        }).length,
      };
      cache.set(rel, s);
    }
    return s;
  };
  const sum = (entry: string, files: string[]): BundleSize => {
    const out = { entry, files, raw: 0, gzip: 0, brotli: 0 };
    for (const f of files) {
      const s = sizeOf(f);
      out.raw += s.raw;
      out.gzip += s.gzip;
      out.brotli += s.brotli;
    }
    return out;
  };
  const all = walk(distDir)
    .map((p) => relative(distDir, p).split(sep).join('/'))
    .sort();
  const manifest = readManifest(distDir);
  const entries: BundleSize[] = [];
  if (manifest) {
    for (const [key, chunk] of Object.entries(manifest)) {
      if (!chunk.isEntry) continue;
      const files = new Set<string>();
      const visit = (k: string) => {
        const c = manifest[k];
        if (!c || files.has(c.file)) return;
        if (ASSET.test(c.file)) files.add(c.file);
        for (const css of c.css ?? []) files.add(css);
        for (const i of c.imports ?? []) visit(i);
      };
      visit(key);
      const present = [...files].filter((f) => existsSync(join(distDir, f))).sort();
      entries.push(sum(key, present));
    }
  } else {
    for (const f of all) entries.push(sum(f, [f]));
  }
  const report: BundleReport = { dir: distDir, entries, total: sum('total', all), fromManifest: !!manifest };
  if (options.audit) recordBundle(options.audit, report);
  return report;
}

/** Writes a BundleReport as 'frontend.bundle.size' gauges {entry, compression: raw|gzip|brotli}. */
export function recordBundle(audit: Audit, report: BundleReport): void {
  for (const e of [...report.entries, report.total]) {
    audit.gauge('frontend.bundle.size', { entry: e.entry, compression: 'raw' }).set(e.raw);
    audit.gauge('frontend.bundle.size', { entry: e.entry, compression: 'gzip' }).set(e.gzip);
    audit.gauge('frontend.bundle.size', { entry: e.entry, compression: 'brotli' }).set(e.brotli);
  }
}
