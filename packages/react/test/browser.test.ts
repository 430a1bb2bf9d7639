// The done-when test: a React app built with Vite runs in real headless Chromium; its page agent sends raw
// react beacons to a real @perf/node beacon endpoint, whose decode hook (@perf/react/ingest) validates them
// and turns them into AuditReports (metrics and findings), which pass the core schema and merge into an Audit.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, gzipSync } from 'node:zlib';
import { type Audit, createAudit, type Metric, safeParseReport } from '@perf/core';
import { beaconHandler } from '@perf/node';
import { type ReactBeacon, ReactBeaconSchema, reactBeaconDecoder } from '@perf/react/ingest';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, requireChromium } from '../../../test-support/services.js';
import { workspaceAlias } from '../../../vitest.shared.js';
import { measureBundle } from '../src/bundle.js';

const chromiumPath = requireChromium();
const appDir = fileURLToPath(new URL('./fixtures/app/', import.meta.url));

/** A valid PNG of random pixels: incompressible, so its bytes stay large (~300 KB). */
function noisePng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  let seed = 42;
  for (let i = 0; i < raw.length; i++) {
    if (i % (width * 3 + 1) === 0) continue; // filter byte 0
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    raw[i] = seed >>> 24;
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

describe.skipIf(!chromiumPath)('@perf/react in headless Chromium', () => {
  let outDir: string;
  let userDir: string;
  let server: Server;
  let origin: string;
  const png = noisePng(320, 320);
  const serverAudit: Audit = createAudit({ subject: 'e2e-server' });

  /** @perf/node's beacon ingest with the react decoder; raw beacons and statuses kept for the assertions. */
  const decode = reactBeaconDecoder({ maxApiCallsPerPage: 3 });
  const raw: unknown[] = [];
  const handler = beaconHandler(serverAudit, {
    limitBytes: 64 * 1024,
    decode: (value) => {
      raw.push(value);
      return decode(value);
    },
  });
  const statuses: number[] = [];
  function ingest(req: IncomingMessage, res: ServerResponse): void {
    res.on('finish', () => statuses.push(res.statusCode));
    handler(req, res);
  }

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'perf-react-app-'));
    userDir = mkdtempSync(join(tmpdir(), 'perf-react-chromium-'));
    await build({
      root: appDir,
      logLevel: 'silent',
      configFile: false,
      resolve: { alias: workspaceAlias },
      // Vite 8 transforms with oxc (its `esbuild` option is deprecated). vitest sets NODE_ENV=test, which Vite
      // would otherwise follow, shipping React's development build and jsxDEV calls.
      oxc: { jsx: { runtime: 'automatic', development: false } },
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: { outDir, emptyOutDir: true, manifest: true },
    });
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'POST' && url.pathname === '/beacon') return ingest(req, res);
      if (url.pathname === '/hero.png') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png);
        return;
      }
      if (url.pathname === '/api/items') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [1, 2, 3] }));
        return;
      }
      const file = join(outDir, url.pathname === '/' ? 'index.html' : url.pathname);
      let body: Buffer;
      try {
        body = readFileSync(file);
      } catch {
        res.writeHead(404).end();
        return;
      }
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      // Scripts go gzipped so Resource Timing shows encoded (wire) vs decoded bytes.
      if (extname(file) === '.js' && /gzip/.test(String(req.headers['accept-encoding']))) {
        res.writeHead(200, { 'content-type': type, 'content-encoding': 'gzip' }).end(gzipSync(body));
        return;
      }
      res.writeHead(200, { 'content-type': type }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (outDir) rmSync(outDir, { recursive: true, force: true });
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  it('sends raw beacons that become a schema-valid report with web vitals, renders, slow interaction, image and bundle findings', async () => {
    const context = await chromium.launchPersistentContext(userDir, {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(m.text());
      });
      await page.goto(`${origin}/`);
      await page
        .waitForFunction(() => window.__ready === true, undefined, { timeout: 15_000 })
        .catch((err: Error) => {
          throw new Error(`${err.message}\npage errors: ${pageErrors.join('\n') || '(none)'}`);
        });
      await page.click('#slow');
      await page.waitForFunction(() => document.getElementById('count')?.textContent === 'clicked 1');
      // web-vitals processes event entries in an idle callback (up to 1 s) before INP is known.
      await page.waitForTimeout(1500);
      await page.goto('about:blank');
      const deadline = Date.now() + 10_000;
      while (statuses.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await context.close();
    }

    // Every beacon was a raw react beacon (no metrics, no finding texts), decoded, checked against the core
    // schema (400 otherwise) and merged (204).
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 204)).toBe(true);
    expect(raw.length).toBe(statuses.length);
    const beacons = raw.map((b) => ReactBeaconSchema.parse(b)) as ReactBeacon[];
    for (const b of raw) {
      expect(b).toMatchObject({ v: 1, kind: 'perf-react-beacon', subject: { name: 'e2e-app' } });
      expect(Object.keys(b as object)).not.toContain('metrics');
      expect(JSON.stringify(b)).not.toMatch(/recommendation|React\.memo|useCallback/);
    }
    // The attribution the standard web-vitals build leaves to us: the largest shift's source element.
    const cls = beacons.flatMap((b) => b.vitals ?? []).filter((v) => v.n === 'CLS');
    expect(cls.length).toBeGreaterThan(0);
    expect(cls.some((v) => v.v > 0 && /^[a-z][a-z0-9]*([#.].+)?$/.test(v.el ?? ''))).toBe(true);
    // ...and LCP's element (the hero image or the heading, whichever painted largest).
    const lcp = beacons.flatMap((b) => b.vitals ?? []).find((v) => v.n === 'LCP');
    expect(lcp?.el).toMatch(/^(img|h1|p|main|li|button)/);
    // Every event of the slow click, each with the components whose latest commit fell in it.
    const click = beacons.flatMap((b) => b.interactions ?? []).filter((e) => e[1] === 'click');
    expect(click).toHaveLength(1);
    expect(click[0]![6]).toBe('button#slow');
    const bundle = measureBundle(outDir, { audit: serverAudit });
    const report = serverAudit.report();
    expect(safeParseReport(JSON.parse(JSON.stringify(report))).ok).toBe(true);

    const metric = (name: string, where: Record<string, string | number | boolean> = {}) =>
      report.metrics.filter(
        (m) => m.name === name && Object.entries(where).every(([k, v]) => m.attributes[k] === v),
      );
    const one = (name: string, where: Record<string, string | number | boolean> = {}): Metric => {
      const found = metric(name, where);
      expect(found, `${name} ${JSON.stringify(where)}`).toHaveLength(1);
      return found[0]!;
    };

    // Core Web Vitals, with rating and route (FID is gone; INP replaced it).
    for (const name of [
      'webvitals.lcp',
      'webvitals.fcp',
      'webvitals.ttfb',
      'webvitals.cls',
      'webvitals.inp',
    ]) {
      const [m] = metric(name, { 'page.route': '/' });
      expect(m, name).toBeDefined();
      expect(['good', 'needs-improvement', 'poor']).toContain(m!.attributes.rating);
    }
    const inp = one('webvitals.inp');
    expect(inp.kind === 'histogram' && inp.max).toBeGreaterThan(200);
    expect(inp.attributes.rating).not.toBe('good');
    // INP replaced FID: the catalog says so in the metric's description, and no FID is reported.
    expect(inp.description).toMatch(/replaces FID/);
    const clsMetric = one('webvitals.cls');
    expect(clsMetric.kind === 'histogram' && clsMetric.max).toBeGreaterThan(0);
    expect(metric('webvitals.fid')).toHaveLength(0);
    expect(metric('frontend.tbt')).toHaveLength(1);
    expect(metric('frontend.tti')).toHaveLength(1);
    // The page load's Lighthouse-style score, from the same FCP, LCP, TBT and CLS the report carries.
    const score = one('frontend.lighthouse.score');
    expect(score.kind === 'gauge' && score.value).toBeGreaterThanOrEqual(0);
    expect(score.kind === 'gauge' && score.value).toBeLessThanOrEqual(100);
    expect(score.attributes).toMatchObject({ 'page.route': '/', 'form.factor': 'desktop' });

    // Renders: counts per component and phase; a production build has no Profiler durations.
    // BadItem re-renders on every App commit (three chained ticks, the click, and the banner and API results,
    // which React may batch), and every one of those is unnecessary; the memoized Counter renders once on click.
    const badUpdates = one('react.render.count', { 'react.component': 'BadItem', 'react.phase': 'update' });
    expect(badUpdates.kind === 'counter' && badUpdates.value).toBeGreaterThanOrEqual(4);
    expect(
      one('react.render.count', { 'react.component': 'Counter', 'react.phase': 'update' }),
    ).toMatchObject({
      value: 1,
    });
    expect(
      one('react.render.count', { 'react.component': 'GoodItem', 'react.phase': 'mount' }),
    ).toMatchObject({
      value: 1,
    });
    expect(
      metric('react.render.count', { 'react.component': 'GoodItem', 'react.phase': 'update' }),
    ).toHaveLength(0);
    expect(metric('react.render.duration')).toHaveLength(0);
    const rules = (rule: string) => report.findings.filter((f) => f.rule === rule);
    expect(rules('react.durations-unavailable')).toHaveLength(1);

    const unnecessary = rules('react.unnecessary-render');
    expect(unnecessary.map((f) => f.key)).toEqual(['BadItem']);
    expect(unnecessary[0]!.occurrences).toBe(badUpdates.kind === 'counter' ? badUpdates.value : -1);
    expect(unnecessary[0]!.evidence.details?.identityOnlyProps).toEqual(
      expect.arrayContaining(['style', 'onSelect']),
    );

    // The slow click (INP > 200 ms) names the components that rendered in it; the memoized one did not.
    const slow = rules('react.slow-interaction');
    expect(slow).toHaveLength(1);
    const components = slow[0]!.evidence.details?.components as string[];
    expect(components).toEqual(expect.arrayContaining(['Counter', 'BadItem']));
    expect(components).not.toContain('GoodItem');
    // The phases are computed on the server from the interaction's Event Timing entries.
    expect(slow[0]!.evidence.details).toMatchObject({ target: 'button#slow' });
    expect(slow[0]!.evidence.details?.processingDuration).toBeGreaterThanOrEqual(250);
    expect(slow[0]!.evidence.details?.inputDelay).toBeGreaterThanOrEqual(0);
    expect(slow[0]!.evidence.details?.presentationDelay).toBeGreaterThanOrEqual(0);
    expect(slow[0]!.key).toBe('/ button#slow');
    // Its events of 40 ms or more (the pointerdown's own frame may have been presented before the click).
    expect(slow[0]!.evidence.details?.events).toEqual(expect.arrayContaining(['click']));

    // The JS heap (performance.memory, Chromium) and mounted instances, as gauges.
    expect(one('browser.memory.heap.used').kind).toBe('gauge');
    expect(one('react.component.mounted', { 'react.component': 'GoodItem' })).toMatchObject({ value: 1 });

    // Resources: the large PNG, the API burst, and JS bytes on the wire (gzip) vs decoded.
    const image = rules('frontend.large-image');
    expect(image.map((f) => f.key)).toEqual([`${origin}/hero.png`]);
    expect(image[0]!.evidence.details).toMatchObject({ bytes: png.length, format: 'png' });
    const api = rules('frontend.excessive-api-calls');
    expect(api.map((f) => f.key)).toEqual(['/']);
    expect(api[0]!.evidence.details).toMatchObject({ calls: 5, limit: 3 });
    expect(one('frontend.api.calls', { 'page.route': '/' })).toMatchObject({ value: 5 });
    const js = bundle.entries.flatMap((e) => e.files).filter((f) => f.endsWith('.js'));
    const rawJs = js.reduce((n, f) => n + readFileSync(join(outDir, f)).length, 0);
    const gzJs = js.reduce((n, f) => n + gzipSync(readFileSync(join(outDir, f))).length, 0);
    const size = (kind: string) =>
      one('frontend.resource.size', { 'page.route': '/', 'resource.type': 'script', 'size.kind': kind });
    expect(size('decoded')).toMatchObject({ value: rawJs });
    expect(size('encoded')).toMatchObject({ value: gzJs });

    // Build-time bundle sizes, against the 500 KB gzip budget's series.
    const total = one('frontend.bundle.size', { entry: 'total', compression: 'gzip' });
    expect(total).toMatchObject({ value: bundle.total.gzip });
    expect(bundle.total.brotli).toBeLessThan(bundle.total.gzip);
    expect(bundle.total.gzip).toBeLessThan(bundle.total.raw);
    expect(bundle.fromManifest).toBe(true);
    expect(bundle.entries.map((e) => e.entry)).toEqual(['index.html']);
  });
});
