import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { createAudit } from '@perf/core';
import { afterAll, describe, expect, it } from 'vitest';
import { measureBundle } from '../src/bundle.js';

const dirs: string[] = [];
function dist(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'perf-bundle-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const js = (n: number) => `export const v${n} = ${JSON.stringify('abc'.repeat(100 * n))};\n`;
const gz = (s: string) => gzipSync(Buffer.from(s)).length;
const br = (s: string) =>
  brotliCompressSync(Buffer.from(s), {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(s),
    },
  }).length;

describe('measureBundle', () => {
  it('sizes entries from a Vite manifest (static imports and CSS, shared chunks once in the total)', () => {
    const files = {
      'assets/main.js': js(1),
      'assets/admin.js': js(2),
      'assets/shared.js': js(3),
      'assets/lazy.js': js(4),
      'assets/main.css': 'body{color:red}'.repeat(20),
      'assets/main.js.map': '{}',
      '.vite/manifest.json': JSON.stringify({
        'src/main.tsx': {
          file: 'assets/main.js',
          isEntry: true,
          imports: ['_shared'],
          css: ['assets/main.css'],
          dynamicImports: ['src/lazy.tsx'],
        },
        'src/admin.tsx': { file: 'assets/admin.js', isEntry: true, imports: ['_shared'] },
        _shared: { file: 'assets/shared.js' },
        'src/lazy.tsx': { file: 'assets/lazy.js', isDynamicEntry: true },
      }),
    };
    const audit = createAudit({ subject: 'bundle' });
    const r = measureBundle(dist(files), { audit });
    expect(r.fromManifest).toBe(true);
    const main = r.entries.find((e) => e.entry === 'src/main.tsx')!;
    expect(main.files).toEqual(['assets/main.css', 'assets/main.js', 'assets/shared.js']);
    expect(main.gzip).toBe(
      gz(files['assets/main.js']) + gz(files['assets/shared.js']) + gz(files['assets/main.css']),
    );
    expect(r.entries.find((e) => e.entry === 'src/admin.tsx')!.files).toEqual([
      'assets/admin.js',
      'assets/shared.js',
    ]);
    const everything = [
      'assets/main.js',
      'assets/admin.js',
      'assets/shared.js',
      'assets/lazy.js',
      'assets/main.css',
    ] as const;
    expect(r.total.raw).toBe(everything.reduce((n, f) => n + Buffer.byteLength(files[f]), 0));
    expect(r.total.gzip).toBe(everything.reduce((n, f) => n + gz(files[f]), 0));
    expect(r.total.brotli).toBe(everything.reduce((n, f) => n + br(files[f]), 0));

    const report = audit.report();
    const gauge = (entry: string, compression: string) =>
      report.metrics.find(
        (m) =>
          m.name === 'frontend.bundle.size' &&
          m.attributes.entry === entry &&
          m.attributes.compression === compression,
      );
    expect(gauge('total', 'gzip')).toMatchObject({
      kind: 'gauge',
      unit: 'B',
      area: 'frontend',
      value: r.total.gzip,
    });
    expect(gauge('src/main.tsx', 'brotli')).toMatchObject({ value: main.brotli });
    expect(gauge('src/main.tsx', 'raw')).toMatchObject({ value: main.raw });
  });

  it('treats every JS/CSS file as an entry without a manifest', () => {
    const r = measureBundle(
      dist({ 'a.js': js(1), 'sub/b.mjs': js(2), 'c.css': 'a{}', 'd.txt': 'no', 'a.js.map': '{}' }),
    );
    expect(r.fromManifest).toBe(false);
    expect(r.entries.map((e) => e.entry)).toEqual(['a.js', 'c.css', 'sub/b.mjs']);
    expect(r.total.files).toEqual(['a.js', 'c.css', 'sub/b.mjs']);
  });
});
