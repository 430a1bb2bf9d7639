// The package's own size in an app bundle: what a browser downloads for the usual imports, minified with
// esbuild (react and react-dom external), without and with web-vitals, and with @perf/core (and its zod).
// Run: npx tsx bench/size.bench.ts
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

// esbuild comes with tsup (a root devDependency); resolving it from there avoids a second copy.
interface Esbuild {
  version: string;
  build(options: Record<string, unknown>): Promise<{ outputFiles: { contents: Uint8Array }[] }>;
}
const esbuild = createRequire(createRequire(import.meta.url).resolve('tsup'))('esbuild') as Esbuild;
const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const core = fileURLToPath(new URL('../../core/src/index.ts', import.meta.url));

const entry = `export { createBrowserAudit, withPerf, PerfProfiler, useRenderTracking } from ${JSON.stringify(index)};`;

async function size(external: string[]) {
  const out = await esbuild.build({
    stdin: { contents: entry, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    external: ['react', 'react-dom', 'react-dom/client', ...external],
    // The alias would override `external`, so it is only set when @perf/core is bundled.
    ...(external.includes('@perf/core') ? {} : { alias: { '@perf/core': core } }),
    logLevel: 'silent',
  });
  const code = Buffer.from(out.outputFiles[0]!.contents);
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const rows: [string, string[]][] = [
  ['@perf/react only (web-vitals and @perf/core external)', ['web-vitals', 'web-vitals/*', '@perf/core']],
  ['@perf/react + web-vitals (@perf/core external)', ['@perf/core']],
  ['@perf/react + web-vitals + @perf/core (with zod)', []],
];
console.log(
  `esbuild ${esbuild.version}, minified ESM; imports: createBrowserAudit, withPerf, PerfProfiler, useRenderTracking\n`,
);
console.log('| bundle | raw | gzip | brotli |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, external] of rows) {
  const s = await size(external);
  console.log(`| ${name} | ${s.raw} B | ${s.gzip} B | ${s.brotli} B |`);
}
