// Compares @perf/core's Histogram with hdr-histogram-js and @datadog/sketches-js on the same values, in one
// run: record cost, quantile cost, accuracy against exact quantiles, serialized size and heap bytes.
// Run: cd packages/core && npx tsx bench/histogram.bench.ts   (add --quick for a smaller run)
import { cpus, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { DDSketch } from '@datadog/sketches-js';
import * as hdr from 'hdr-histogram-js';
import { Histogram } from '../src/index.js';
import { createRandom } from '../test/random.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const QUICK = process.argv.includes('--quick');
const N = QUICK ? 200_000 : 1_000_000;
const ROUNDS = QUICK ? 3 : 7;
const QUANTILES = [0.5, 0.75, 0.9, 0.95, 0.99, 0.999];

// ---- seeded values (the test suite's sfc32), identical for every contender ----
const gaussian = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

// Latency-like distributions in milliseconds. HDR records integers, so every contender gets values
// quantised to 1 µs (the resolution a latency histogram usually keeps); HDR records the µs integer.
const DISTRIBUTIONS: Record<string, (r: () => number) => number> = {
  'uniform 0..1000 ms': (r) => r() * 1000,
  'exponential mean 50 ms': (r) => -50 * Math.log(1 - r()),
  'log-normal (mu 3, sigma 1.5)': (r) => Math.exp(3 + 1.5 * gaussian(r)),
  'bimodal + Pareto tail': (r) =>
    r() < 0.9 ? Math.abs(20 + 3 * gaussian(r)) : 200 * (1 - r()) ** (-1 / 1.2),
  'log-uniform 0.01 ms..1e6 ms': (r) => 0.01 * 1e8 ** r(),
};

function values(gen: (r: () => number) => number, seed: number): Float64Array {
  const r = createRandom(seed);
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) out[i] = Math.max(1, Math.round(gen(r) * 1000)) / 1000;
  return out;
}

interface Contender {
  name: string;
  /** Whether this is a peer the targets compare against (the JS builds); other rows are for reference. */
  peer: boolean;
  make(): unknown;
  /** Records every value; each contender has its own loop so V8 specialises it (no shared call site). */
  recordAll(h: unknown, data: Float64Array): void;
  quantile(h: unknown, q: number): number;
  serializedBytes(h: unknown): number;
  dispose?(h: unknown): void;
}

const ours = (maxScale: number, maxBuckets: number, peer: boolean): Contender => ({
  name: `@perf/core Histogram (scale ${maxScale}, ${maxBuckets} buckets)`,
  peer,
  make: () => new Histogram({ maxScale, maxBuckets }),
  recordAll: (h, data) => {
    const hist = h as Histogram;
    for (let i = 0; i < data.length; i++) hist.record(data[i]!);
  },
  quantile: (h, q) => (h as Histogram).quantile(q),
  serializedBytes: (h) => Buffer.byteLength(JSON.stringify((h as Histogram).buckets())),
});

// hdr-histogram-js records integers: values go in as whole microseconds.
const hdrJs = (digits: 2 | 3): Contender => ({
  name: `hdr-histogram-js JS (${digits} significant digits, µs)`,
  peer: true,
  make: () => hdr.build({ numberOfSignificantValueDigits: digits }),
  recordAll: (h, data) => {
    const hist = h as hdr.Histogram;
    for (let i = 0; i < data.length; i++) hist.recordValue(Math.round(data[i]! * 1000));
  },
  quantile: (h, q) => (h as hdr.Histogram).getValueAtPercentile(q * 100) / 1000,
  serializedBytes: (h) => Buffer.byteLength(hdr.encodeIntoCompressedBase64(h as hdr.Histogram)),
});

const hdrWasm: Contender = {
  name: 'hdr-histogram-js wasm (3 significant digits, µs)',
  peer: false,
  make: () => hdr.build({ numberOfSignificantValueDigits: 3, useWebAssembly: true }),
  recordAll: (h, data) => {
    const hist = h as hdr.Histogram;
    for (let i = 0; i < data.length; i++) hist.recordValue(Math.round(data[i]! * 1000));
  },
  quantile: (h, q) => (h as hdr.Histogram).getValueAtPercentile(q * 100) / 1000,
  serializedBytes: (h) => Buffer.byteLength(hdr.encodeIntoCompressedBase64(h as hdr.Histogram)),
  dispose: (h) => (h as hdr.Histogram).destroy(),
};

const ddsketch: Contender = {
  name: '@datadog/sketches-js DDSketch (1% relative accuracy)',
  peer: true,
  make: () => new DDSketch({ relativeAccuracy: 0.01 }),
  recordAll: (h, data) => {
    const sketch = h as DDSketch;
    for (let i = 0; i < data.length; i++) sketch.accept(data[i]!);
  },
  quantile: (h, q) => (h as DDSketch).getValueAtQuantile(q),
  serializedBytes: (h) => (h as DDSketch).toProto().byteLength,
};

/** Median ns per record over ROUNDS fresh instances; returns the last instance for the other measures. */
function timeRecord(c: Contender, data: Float64Array): { nsPerOp: number; h: unknown } {
  const samples: number[] = [];
  let last: unknown;
  for (let round = 0; round < ROUNDS; round++) {
    if (last !== undefined) c.dispose?.(last);
    const h = c.make();
    const t0 = process.hrtime.bigint();
    c.recordAll(h, data);
    samples.push(Number(process.hrtime.bigint() - t0) / data.length);
    last = h;
  }
  samples.sort((a, b) => a - b);
  return { nsPerOp: samples[Math.floor(samples.length / 2)]!, h: last };
}

function timeQuantile(c: Contender, h: unknown): number {
  const calls = QUICK ? 2_000 : 20_000;
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink += c.quantile(h, QUANTILES[i % QUANTILES.length]!);
  const ns = Number(process.hrtime.bigint() - t0) / calls;
  if (sink === 42) console.log('');
  return ns;
}

/**
 * Heap bytes per loaded instance: K instances filled with the same values, measured after full GCs
 * (heapUsed plus ArrayBuffer backing stores). The wasm build keeps its counts in wasm linear memory,
 * which this does not see, so its row says n/a.
 */
function heapBytes(c: Contender, data: Float64Array): number | undefined {
  if (c === hdrWasm) return undefined;
  const K = QUICK ? 2 : 6;
  gc();
  gc();
  const before = process.memoryUsage();
  const live: unknown[] = [];
  for (let k = 0; k < K; k++) {
    const h = c.make();
    c.recordAll(h, data);
    live.push(h);
  }
  gc();
  gc();
  const after = process.memoryUsage();
  const bytes = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
  for (const h of live) c.dispose?.(h);
  return Math.max(0, bytes / K);
}

function maxRelativeError(c: Contender, h: unknown, sorted: Float64Array): number {
  let worst = 0;
  for (const q of QUANTILES) {
    const exact = sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
    worst = Math.max(worst, Math.abs(c.quantile(h, q) - exact) / Math.abs(exact));
  }
  return worst;
}

interface Row {
  distribution: string;
  contender: string;
  recordNs: number;
  quantileNs: number;
  maxError: number;
  serialized: number;
  heap: number | undefined;
}

async function main(): Promise<void> {
  await hdr.initWebAssembly();
  const mine = ours(6, 2048, false);
  const contenders = [mine, hdrJs(3), hdrJs(2), ddsketch, hdrWasm, ours(9, 16384, false)];
  const rows: Row[] = [];
  // Warm every contender up on full-size data mixing every distribution first, so the first distribution
  // measured does not pay for JIT tiering or a deopt on a path the warm-up never took (a 50k-value warm-up
  // on one distribution left the first row 2-4x slow).
  const warm = new Float64Array(N);
  Object.values(DISTRIBUTIONS).forEach((gen, d, all) => {
    const part = values(gen, 900 + d).subarray(0, Math.floor(N / all.length));
    warm.set(part, d * part.length);
  });
  warm.fill(1, Math.floor(N / Object.keys(DISTRIBUTIONS).length) * Object.keys(DISTRIBUTIONS).length);
  for (const c of contenders) for (let i = 0; i < 3; i++) c.dispose?.(timeRecord(c, warm).h);
  let seed = 1;
  for (const [distribution, gen] of Object.entries(DISTRIBUTIONS)) {
    const data = values(gen, seed++);
    const sorted = data.slice().sort();
    for (const c of contenders) timeRecord(c, data.subarray(0, 50_000)); // warm-up (JIT)
    for (const c of contenders) {
      const { nsPerOp, h } = timeRecord(c, data);
      rows.push({
        distribution,
        contender: c.name,
        recordNs: nsPerOp,
        quantileNs: timeQuantile(c, h),
        maxError: maxRelativeError(c, h, sorted),
        serialized: c.serializedBytes(h),
        heap: heapBytes(c, data),
      });
      c.dispose?.(h);
    }
    process.stderr.write(`done: ${distribution}\n`);
  }
  print(rows, contenders, mine);
}

const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

function print(rows: Row[], contenders: Contender[], reference: Contender): void {
  console.log(
    `# histogram benchmark: ${N.toLocaleString('en-US')} values per distribution, median of ${ROUNDS} rounds`,
  );
  console.log(
    `machine: ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
  );
  // "Peers" for the targets are the JS builds; the wasm build and our finer setting are for reference.
  const peers = contenders.filter((c) => c.peer).map((c) => c.name);
  for (const distribution of new Set(rows.map((r) => r.distribution))) {
    const own = rows.filter((r) => r.distribution === distribution);
    const mine = own.find((r) => r.contender === reference.name)!;
    const peerRows = own.filter((r) => peers.includes(r.contender));
    const fastest = Math.min(...peerRows.map((r) => r.recordNs));
    console.log(`\n## ${distribution}\n`);
    console.log(
      '| contender | record ns/op | record vs fastest JS peer | quantile ns | max rel. error p50..p99.9 | serialized B | heap B |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of own) {
      console.log(
        `| ${r.contender} | ${fmt(r.recordNs)} | ${fmt(r.recordNs / fastest, 2)}x | ${fmt(r.quantileNs, 0)} | ${fmt(r.maxError * 100, 3)}% | ${fmt(r.serialized, 0)} | ${r.heap === undefined ? 'n/a' : fmt(r.heap, 0)} |`,
      );
    }
    const minSize = Math.min(...peerRows.map((r) => r.serialized));
    const dd = peerRows.find((r) => r.contender === ddsketch.name)!;
    console.log(
      `\ntargets: record ${fmt(mine.recordNs / fastest, 2)}x fastest JS peer (<= 2x: ${mine.recordNs <= 2 * fastest ? 'met' : 'MISSED'}); ` +
        `accuracy ${fmt(mine.maxError * 100, 3)}% vs DDSketch ${fmt(dd.maxError * 100, 3)}% (${mine.maxError <= dd.maxError ? 'met' : 'MISSED'}; each HDR row shows its own); ` +
        `size ${fmt(mine.serialized, 0)} B vs smallest peer ${fmt(minSize, 0)} B (${mine.serialized <= minSize ? 'met' : 'MISSED'}); ` +
        `ours gzipped ${fmt(gzipBytes(distribution), 0)} B`,
    );
  }
}

const gzipCache = new Map<string, number>();
function gzipBytes(distribution: string): number {
  let n = gzipCache.get(distribution);
  if (n === undefined) {
    const h = new Histogram();
    const data = values(DISTRIBUTIONS[distribution]!, Object.keys(DISTRIBUTIONS).indexOf(distribution) + 1);
    for (let i = 0; i < data.length; i++) h.record(data[i]!);
    n = gzipSync(JSON.stringify(h.buckets())).byteLength;
    gzipCache.set(distribution, n);
  }
  return n;
}

await main();
