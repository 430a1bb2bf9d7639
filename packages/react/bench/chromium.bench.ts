// Overhead of render tracking in real Chromium: a 1,000-row list (memo rows, every row's props change), each
// update timed with performance.now() around flushSync (render, commit, and the effects of a sync update).
// Two designs per round, in one run:
// - one variant per page load (production and development builds; why-did-you-render, which patches React for
//   the whole page and runs only in development builds, can be measured only this way);
// - every variant mounted side by side in one production page, each list in its own root, updated in turn
//   (the verdict: a burst of load lands on all variants alike). It also carries React's floor for any
//   per-row hook (a bare useRef; a useRef plus an empty-deps effect) with no tracking at all.
// Run: npx tsx bench/chromium.bench.ts [rounds]   (default 7; MIX_ONLY=1 runs only the all-in-one-page design)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM_ARGS, requireChromium } from '../../../test-support/services.js';
import { workspaceAlias } from '../../../vitest.shared.js';

const ROUNDS = Number(process.argv[2] ?? 7);
const MIX_ONLY = process.env.MIX_ONLY === '1';
const MODES: Mode[] = MIX_ONLY ? [] : ['production', 'development'];
const WARMUP = 20;
const UPDATES = 100;
const root = fileURLToPath(new URL('./chromium/', import.meta.url));
const chromiumPath = requireChromium();
if (!chromiumPath) throw new Error('Chromium not found (see test-support/services.ts)');

type Mode = 'production' | 'development';
const VARIANTS: Record<Mode, string[]> = {
  // 'bare' twice: the second is an A/A noise check (same code, other slot in the round).
  production: ['bare', 'profiler', 'hook', 'withperf', 'bare'],
  development: ['bare', 'profiler', 'hook', 'withperf', 'wdyr', 'bare'],
};
const LABEL: Record<string, string> = {
  bare: 'bare (no tracking; both bare slots)',
  profiler: '`<PerfProfiler>` around the list',
  hook: 'useRenderTracking in each row',
  withperf: 'withPerf(Row) on each row',
  'floor-ref': "React's floor: one `useRef` in each row (no tracking)",
  'floor-effect': "React's floor: `useRef` + a mount-only `useEffect` in each row (no tracking)",
  wdyr: 'why-did-you-render on each row',
};

async function buildPage(mode: Mode): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), `perf-react-bench-${mode}-`));
  await build({
    root,
    mode,
    logLevel: 'silent',
    configFile: false,
    base: `/${mode}/`,
    resolve: { alias: workspaceAlias },
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    build: { outDir, emptyOutDir: true, minify: mode === 'production' },
  });
  return outDir;
}

const dirs: Record<Mode, string> = {
  production: await buildPage('production'),
  development: await buildPage('development'),
};

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'POST') {
    req.resume();
    res.writeHead(204).end();
    return;
  }
  const [, mode, ...rest] = url.pathname.split('/');
  const dir = dirs[mode as Mode];
  const file = dir ? join(dir, rest.join('/') || 'index.html') : '';
  try {
    const body = readFileSync(file);
    // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
    res.writeHead(200, {
      'content-type': extname(file) === '.js' ? 'text/javascript' : 'text/html; charset=utf-8',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const mix: Record<string, number[]> = {};
const mixRounds: Record<string, number[]> = {};

const userDir = mkdtempSync(join(tmpdir(), 'perf-react-bench-chromium-'));
const context = await chromium.launchPersistentContext(userDir, {
  executablePath: chromiumPath,
  headless: true,
  args: CHROMIUM_ARGS,
});
const load0 = loadavg()[0]!;
const started = new Date();
// samples[mode][slot] = per-round medians (ms per update); slot = index in VARIANTS[mode].
const roundMedians: Record<Mode, number[][]> = {
  production: VARIANTS.production.map(() => []),
  development: VARIANTS.development.map(() => []),
};
const all: Record<Mode, number[][]> = {
  production: VARIANTS.production.map(() => []),
  development: VARIANTS.development.map(() => []),
};
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES) {
      const slots = VARIANTS[mode].map((_, i) => i);
      // Rotate the order each round so no variant always runs first (or right after a page of another kind).
      const order = slots.map((_, k) => slots[(k + round) % slots.length]!);
      for (const slot of order) {
        const v = VARIANTS[mode][slot]!;
        await page.goto(`${origin}/${mode}/?v=${v}`);
        await page.waitForFunction(() => window.__benchReady === true, undefined, { timeout: 30_000 });
        if (errors.length) throw new Error(`${mode}/${v}: ${errors.join('\n')}`);
        const times = await page.evaluate(([w, n]) => window.__benchRun!(w!, n!), [WARMUP, UPDATES]);
        const seen = await page.evaluate(() => window.__benchSeen!());
        if (v !== 'bare' && seen <= 0) throw new Error(`${mode}/${v}: the tool saw no renders`);
        if (round === 0) process.stderr.write(`${mode}/${v}: tool saw ${seen} renders\n`);
        roundMedians[mode][slot]!.push(median(times));
        all[mode][slot]!.push(...times);
      }
    }
    // Interleaved within one page (production build): load bursts hit every variant alike.
    await page.goto(`${origin}/production/?v=mix&order=${round}`);
    await page.waitForFunction(() => window.__benchReady === true, undefined, { timeout: 30_000 });
    const mixed = await page.evaluate(([w, n]) => window.__benchMix!(w!, n!), [WARMUP, UPDATES]);
    if (errors.length) throw new Error(`production/mix: ${errors.join('\n')}`);
    for (const [slot, times] of Object.entries(mixed)) {
      mix[slot] = [...(mix[slot] ?? []), ...times];
      mixRounds[slot] = [...(mixRounds[slot] ?? []), median(times)];
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done, load ${loadavg()[0]!.toFixed(2)}\n`);
  }
} finally {
  await context.close();
  server.close();
  rmSync(userDir, { recursive: true, force: true });
  for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
}

console.log(
  `\nChromium ${chromiumPath}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}; ` +
    `${started.toISOString()}; load average at start ${load0.toFixed(2)}, at end ${loadavg()[0]!.toFixed(2)}`,
);
console.log(
  `${ROUNDS} rounds x ${UPDATES} measured updates (after ${WARMUP} warm-up) per variant, 1,000 memo rows, all rows' props change\n`,
);
for (const mode of MODES) {
  // The baseline is both bare slots together; their ratio to each other is the A/A noise check.
  const first = roundMedians[mode][0]!;
  const last = roundMedians[mode][VARIANTS[mode].length - 1]!;
  const baseRounds = first.map((x, r) => (x + last[r]!) / 2);
  const base = median([...first, ...last]);
  console.log(`### ${mode} build\n`);
  console.log(
    '| variant | ms / update: median of round medians | pooled median | ratio vs bare | per-round ratios (min..max) |',
  );
  console.log('| --- | ---: | ---: | ---: | --- |');
  VARIANTS[mode].forEach((v, slot) => {
    if (v === 'bare' && slot > 0) return;
    const rm = roundMedians[mode][slot]!;
    const pooled =
      v === 'bare'
        ? [...all[mode][0]!, ...all[mode][slot === 0 ? VARIANTS[mode].length - 1 : slot]!]
        : all[mode][slot]!;
    const m = v === 'bare' ? base : median(rm);
    const ratios = rm.map((x, r) => x / baseRounds[r]!);
    console.log(
      `| ${LABEL[v]} | ${m.toFixed(3)} | ${median(pooled).toFixed(3)} | ${(m / base).toFixed(3)} | ${Math.min(...ratios).toFixed(2)}..${Math.max(...ratios).toFixed(2)} |`,
    );
  });
  const aa = last.map((x, r) => x / first[r]!);
  console.log(
    `| A/A check: bare (later slot) / bare (first slot) | | | ${(median(last) / median(first)).toFixed(3)} | ${Math.min(...aa).toFixed(2)}..${Math.max(...aa).toFixed(2)} |\n`,
  );
}

{
  const base = median([...mix.bare!, ...mix.bare2!]);
  const baseRounds = mixRounds.bare!.map((x, r) => (x + mixRounds.bare2![r]!) / 2);
  console.log(
    `### production build, every variant mounted in one page (its own root), updated in turn (${UPDATES} measured updates per variant and round, order rotated per update)\n`,
  );
  console.log('| variant | pooled median ms / update | ratio vs bare | per-round ratios (min..max) |');
  console.log('| --- | ---: | ---: | --- |');
  for (const slot of Object.keys(mix).filter((s) => s !== 'bare2')) {
    const pooled = slot === 'bare' ? [...mix.bare!, ...mix.bare2!] : mix[slot]!;
    const ratios = mixRounds[slot]!.map((x, r) => x / baseRounds[r]!);
    const m = median(pooled);
    console.log(
      `| ${LABEL[slot]} | ${m.toFixed(3)} | ${(m / base).toFixed(3)} | ${Math.min(...ratios).toFixed(2)}..${Math.max(...ratios).toFixed(2)} |`,
    );
  }
  const aa = mixRounds.bare2!.map((x, r) => x / mixRounds.bare![r]!);
  console.log(
    `| A/A check: bare2 / bare | | ${(median(mix.bare2!) / median(mix.bare!)).toFixed(3)} | ${Math.min(...aa).toFixed(2)}..${Math.max(...aa).toFixed(2)} |\n`,
  );
}
