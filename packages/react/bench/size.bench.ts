// The package's own size in an app bundle, next to react-scan and why-did-you-render, measured the same way for
// every row: an entry module that imports the named exports (so the bundler tree-shakes what is not imported),
// bundled by esbuild (minify, ESM, platform browser, target es2020, NODE_ENV=production), react, react-dom and
// their subpaths always external, every other dependency bundled unless the row says otherwise; then raw
// bytes, gzip level 9 and brotli quality 11 of the single output file. @perf/react and @perf/core are bundled
// from source (tsup's dist is the same code transpiled). The browser-agent rows are checked against the
// issue's targets (3 KB brotli without web-vitals, 6 KB with) and must contain no @perf/core, zod or ingest
// code (the script fails if they do). The top contributors (minified bytes per source file, from esbuild's
// metafile) are printed under the table.
// Run: npx tsx bench/size.bench.ts
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

// esbuild comes with tsup (a root devDependency); resolving it from there avoids a second copy.
interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}
interface Esbuild {
  version: string;
  build(
    options: Record<string, unknown>,
  ): Promise<{ outputFiles: { contents: Uint8Array }[]; metafile: Metafile }>;
}
const esbuild = createRequire(createRequire(import.meta.url).resolve('tsup'))('esbuild') as Esbuild;
const src = (p: string) => JSON.stringify(fileURLToPath(new URL(p, import.meta.url)));
const INDEX = src('../src/index.ts');
const CORE_ALIAS = {
  '@perf/core/recorder': fileURLToPath(new URL('../../core/src/recorder.ts', import.meta.url)),
  '@perf/core': fileURLToPath(new URL('../../core/src/index.ts', import.meta.url)),
};
/** The done-when targets for the browser agent, brotli bytes (1 KB = 1024 B). */
const TARGET = { withoutWebVitals: 3 * 1024, withWebVitals: 6 * 1024 };
const REACT = ['react', 'react/*', 'react-dom', 'react-dom/*'];
const WEB_VITALS = ['web-vitals', 'web-vitals/*'];
const CORE = ['@perf/core', '@perf/core/*'];

interface Row {
  name: string;
  entry: string;
  /** Bundled besides the package itself, for the table. */
  includes: string;
  external: string[];
  breakdown?: boolean;
  /** The browser agent: must contain neither @perf/core nor zod (checked; the script fails otherwise). */
  browser?: boolean;
}

const BROWSER = `export { createBrowserAudit, PerfProfiler, withPerf, useRenderTracking } from ${INDEX};`;
const rows: Row[] = [
  {
    name: '@perf/react render hooks: PerfProfiler, withPerf, useRenderTracking',
    entry: `export { PerfProfiler, withPerf, useRenderTracking } from ${INDEX};`,
    includes: '-',
    external: [...WEB_VITALS, ...CORE],
  },
  {
    name: '@perf/react browser agent: createBrowserAudit + the three hooks (without web-vitals)',
    entry: BROWSER,
    includes: 'everything but web-vitals',
    external: WEB_VITALS,
    breakdown: true,
    browser: true,
  },
  {
    name: '@perf/react browser agent (what an app ships)',
    entry: BROWSER,
    includes: 'web-vitals (standard build)',
    external: [],
    breakdown: true,
    browser: true,
  },
  {
    name: 'web-vitals (standard build) onLCP..onTTFB alone',
    entry: `export { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';`,
    includes: '(only web-vitals)',
    external: [],
  },
  {
    name: 'web-vitals/attribution onLCP..onTTFB alone',
    entry: `export { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals/attribution';`,
    includes: '(only web-vitals)',
    external: [],
  },
  {
    name: 'RenderTracker (measureRenders, Node/happy-dom tests; not in the agent)',
    entry: `export { RenderTracker } from ${INDEX};`,
    includes: '@perf/core/recorder',
    external: [],
  },
  {
    name: '@perf/react/ingest reactBeaconToReport (server side, for reference)',
    entry: `export { reactBeaconToReport } from ${src('../src/ingest.ts')};`,
    includes: '@perf/core, zod',
    external: [],
  },
  {
    name: 'react-scan 1.2.0: scan',
    entry: `export { scan } from 'react-scan';`,
    includes: 'its dependencies',
    external: [],
  },
  {
    name: 'why-did-you-render 10.0.1: default export',
    entry: `export { default } from '@welldone-software/why-did-you-render';`,
    includes: 'its dependencies',
    external: [],
  },
];

async function measure(row: Row) {
  const externalCore = row.external.includes('@perf/core');
  const out = await esbuild.build({
    stdin: { contents: row.entry, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    metafile: true,
    external: [...REACT, ...row.external],
    // An alias would override `external`, so @perf/core is aliased to its source only when it is bundled.
    ...(externalCore ? {} : { alias: CORE_ALIAS }),
    logLevel: 'silent',
  });
  const code = Buffer.from(out.outputFiles[0]!.contents);
  const inputs = Object.values(out.metafile.outputs)[0]!.inputs;
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    files: Object.keys(inputs),
    top: Object.entries(inputs)
      .map(
        ([file, v]) =>
          [file.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, ''), v.bytesInOutput] as const,
      )
      .filter(([, bytes]) => bytes > 0)
      .sort((a, b) => b[1] - a[1]),
  };
}

const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
console.log(
  `esbuild ${esbuild.version}: bundle, minify, ESM, browser, es2020, NODE_ENV=production; react/react-dom external; gzip -9, brotli q11\n`,
);
console.log('| bundle | also bundled | minified | gzip | brotli |');
console.log('| --- | --- | ---: | ---: | ---: |');
const breakdowns: string[] = [];
const verdicts: string[] = [];
for (const row of rows) {
  const s = await measure(row);
  console.log(
    `| ${row.name} | ${row.includes} | ${s.raw} B | ${s.gzip} B | ${s.brotli} B (${kb(s.brotli)}) |`,
  );
  if (row.browser) {
    const foreign = s.files.filter((f) => /packages\/core\/|node_modules\/.*zod|\/ingest\//.test(f));
    if (foreign.length) throw new Error(`${row.name} bundles server code: ${foreign.join(', ')}`);
    const target = row.external.length ? TARGET.withoutWebVitals : TARGET.withWebVitals;
    verdicts.push(
      `${row.name}: ${s.brotli} B brotli, target ${target} B: ${s.brotli <= target ? 'met' : `MISSED by ${s.brotli - target} B`}`,
    );
  }
  if (row.breakdown) {
    breakdowns.push(
      `\n${row.name}, also bundled: ${row.includes} — minified bytes per source file (top 12):`,
      ...s.top.slice(0, 12).map(([file, bytes]) => `  ${String(bytes).padStart(6)}  ${file}`),
    );
  }
}
console.log(breakdowns.join('\n'));
console.log(`\n${verdicts.join('\n')}`);
