import {
  DEFAULT_MAX_BUCKETS,
  DEFAULT_MAX_SCALE,
  Histogram,
  type HistogramOptions,
  lowerBoundary,
  mapToIndex,
  relativeErrorAt,
} from '@perf/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from './random.js';

const N = 1_000_000;
const NAMED = { p50: 0.5, p75: 0.75, p90: 0.9, p95: 0.95, p99: 0.99, 'p99.9': 0.999 };

/** Exact nearest-rank quantile, the definition the histogram approximates. */
const exactQuantile = (sorted: Float64Array, q: number) =>
  sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;

const relativeError = (estimate: number, exact: number) =>
  exact === 0 ? Math.abs(estimate) : Math.abs(estimate - exact) / Math.abs(exact);

const gaussian = (r: Random) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const exponential = (r: Random, mean: number) => -mean * Math.log(1 - r());
const logUniform = (r: Random, lo: number, hi: number) => lo * (hi / lo) ** r();

const DISTRIBUTIONS: Record<string, (r: Random) => number> = {
  'uniform 0..1000': (r) => r() * 1000,
  'exponential mean 50': (r) => exponential(r, 50),
  'log-normal mu 3 sigma 1.5': (r) => Math.exp(3 + 1.5 * gaussian(r)),
  // Latency-like: a tight mode plus a Pareto tail (alpha 1.2) that reaches billions.
  'bimodal with Pareto tail': (r) =>
    r() < 0.9 ? Math.abs(20 + 3 * gaussian(r)) : 200 * (1 - r()) ** (-1 / 1.2),
  constant: () => 42.5,
  'log-uniform 1e-3..1e6 (9 orders of magnitude)': (r) => logUniform(r, 1e-3, 1e6),
  'negatives, zeros and positives': (r) => {
    const u = r();
    if (u < 0.2) return 0;
    if (u < 0.6) return -exponential(r, 30);
    return Math.exp(2 + gaussian(r));
  },
};

function sample(gen: (r: Random) => number, seed: number, n = N): Float64Array {
  const r = createRandom(seed);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = gen(r);
  return values;
}

function histogramOf(values: ArrayLike<number>, options?: HistogramOptions): Histogram {
  const h = new Histogram(options);
  for (let i = 0; i < values.length; i++) h.record(values[i]!);
  return h;
}

describe('Histogram accuracy against exact nearest-rank quantiles (1e6 values)', () => {
  const arbitraryQ = Array.from({ length: 25 }, (_, i) => createRandom(99 + i)());

  Object.entries(DISTRIBUTIONS).forEach(([name, gen], d) => {
    it(`${name}: every percentile within 1% relative error`, () => {
      const values = sample(gen, 1000 + d);
      const h = histogramOf(values);
      const sorted = values.slice().sort();
      expect(h.count).toBe(N);
      expect(h.min).toBe(sorted[0]);
      expect(h.max).toBe(sorted[N - 1]);

      const errors: Record<string, number> = {};
      for (const [label, q] of Object.entries(NAMED)) {
        errors[label] = relativeError(h.quantile(q), exactQuantile(sorted, q));
      }
      for (const q of arbitraryQ) {
        errors[`q=${q.toFixed(6)}`] = relativeError(h.quantile(q), exactQuantile(sorted, q));
      }
      const tooFar = Object.entries(errors).filter(([, e]) => !(e <= 0.01));
      expect(tooFar).toEqual([]);
      // The scale's own bound holds too, which is tighter than 1% at the default scale.
      for (const e of Object.values(errors)) expect(e).toBeLessThanOrEqual(relativeErrorAt(h.scale) + 1e-12);

      // q = 0 and q = 1 are exact, and summary() agrees with quantile().
      expect(h.quantile(0)).toBe(sorted[0]);
      expect(h.quantile(1)).toBe(sorted[N - 1]);
      const s = h.summary();
      expect([s.p50, s.p75, s.p90, s.p95, s.p99]).toEqual(
        [0.5, 0.75, 0.9, 0.95, 0.99].map((q) => h.quantile(q)),
      );
      expect(s.mean).toBeCloseTo(values.reduce((a, v) => a + v, 0) / N, 6);
    });
  });

  it('a constant stream answers the constant itself (clamped to min/max), not a bucket midpoint', () => {
    const h = histogramOf(new Float64Array(1000).fill(42.5));
    for (const q of Object.values(NAMED)) expect(h.quantile(q)).toBe(42.5);
  });

  it('the error bound of the default scale is below 1%', () => {
    expect(DEFAULT_MAX_SCALE).toBe(6);
    expect(relativeErrorAt(DEFAULT_MAX_SCALE)).toBeLessThan(0.0055);
    expect(relativeErrorAt(DEFAULT_MAX_SCALE - 1)).toBeGreaterThan(0.01);
  });
});

describe('Histogram fixed memory', () => {
  it('1e6 values spanning 1e-6..1e9 keep memory bounded: the scale drops instead of buckets growing', () => {
    const r = createRandom(7);
    const h = new Histogram();
    const cap = 2 * DEFAULT_MAX_BUCKETS * 8 + 96;
    const values = new Float64Array(N);
    let peakBytes = 0;
    for (let i = 0; i < N; i++) {
      const v = logUniform(r, 1e-6, 1e9);
      values[i] = v;
      h.record(v);
      if ((i & 0xffff) === 0) peakBytes = Math.max(peakBytes, h.bytes);
    }
    peakBytes = Math.max(peakBytes, h.bytes);
    expect(peakBytes).toBeLessThanOrEqual(cap);
    // 15 orders of magnitude need ~3200 buckets at scale 6: the scale must have dropped to fit 2048.
    expect(h.scale).toBe(DEFAULT_MAX_SCALE - 1);
    const b = h.buckets();
    expect(b.positive.counts.length).toBeLessThanOrEqual(DEFAULT_MAX_BUCKETS);
    expect(b.positive.counts.reduce((a, c) => a + c, 0)).toBe(N);
    // At the lowered scale the bound is the scale's (1.08% at scale 5), which the data respects.
    const sorted = values.sort();
    for (const q of Object.values(NAMED)) {
      expect(relativeError(h.quantile(q), exactQuantile(sorted, q))).toBeLessThanOrEqual(
        relativeErrorAt(h.scale),
      );
    }
  });

  it('a small bucket cap is honoured for any range, both signs sharing one scale', () => {
    const h = new Histogram({ maxBuckets: 32 });
    const r = createRandom(8);
    for (let i = 0; i < 100_000; i++) h.record((r() < 0.5 ? -1 : 1) * 2 ** ((r() - 0.5) * 1990));
    const b = h.buckets();
    expect(b.positive.counts.length).toBeLessThanOrEqual(32);
    expect(b.negative.counts.length).toBeLessThanOrEqual(32);
    expect(h.bytes).toBeLessThanOrEqual(2 * 32 * 8 + 96);
    expect(h.scale).toBeLessThan(0);
    const total =
      b.zeroCount +
      b.positive.counts.reduce((a, c) => a + c, 0) +
      b.negative.counts.reduce((a, c) => a + c, 0);
    expect(total).toBe(100_000);
  });

  it('reset() returns to the starting scale and empties every bucket', () => {
    const h = histogramOf([1e-9, 1e9, -5, 0]);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.scale).toBe(DEFAULT_MAX_SCALE);
    expect(h.buckets()).toEqual({
      scale: DEFAULT_MAX_SCALE,
      zeroCount: 0,
      positive: { offset: 0, counts: [] },
      negative: { offset: 0, counts: [] },
    });
    expect(Number.isNaN(h.quantile(0.5))).toBe(true);
    h.record(3);
    expect(h.quantile(0.5)).toBe(3);
  });
});

describe('Histogram input hygiene', () => {
  it('rejects NaN and infinities, counting them without touching count, sum, min or max', () => {
    const h = histogramOf([1, 2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3]);
    expect(h.rejected).toBe(3);
    expect(h.count).toBe(3);
    expect(h.sum).toBe(6);
    expect(h.min).toBe(1);
    expect(h.max).toBe(3);
    expect(h.quantile(0.99)).toBe(3);
    h.record(Number.NaN, 10);
    expect(h.rejected).toBe(13);
  });

  it('counts zeros and subnormals in the zero bucket and keeps negatives apart', () => {
    const h = histogramOf([0, -0, 5e-324, -5e-324, -8, 8]);
    const b = h.buckets();
    expect(b.zeroCount).toBe(4);
    expect(b.negative.counts.reduce((a, c) => a + c, 0)).toBe(1);
    expect(b.positive.counts.reduce((a, c) => a + c, 0)).toBe(1);
    // Interior quantiles are bucket estimates (within the scale's bound); only q = 0 and 1 are exact.
    expect(relativeError(h.quantile(0.1), -8)).toBeLessThanOrEqual(relativeErrorAt(DEFAULT_MAX_SCALE));
    expect(h.quantile(0)).toBe(-8);
    expect(h.quantile(0.5)).toBe(0);
    expect(h.quantile(1)).toBe(8);
  });

  it('record(value, n) equals n single records', () => {
    const a = new Histogram();
    const b = new Histogram();
    a.record(12.5, 7);
    for (let i = 0; i < 7; i++) b.record(12.5);
    expect(a.buckets()).toEqual(b.buckets());
    expect(a.count).toBe(b.count);
    expect(a.sum).toBe(b.sum);
  });
});

/** The state a report carries, serialized through JSON as a report file would be. */
function serialized(h: Histogram) {
  return {
    count: h.count,
    sum: h.sum,
    min: h.min,
    max: h.max,
    buckets: JSON.parse(JSON.stringify(h.buckets())) as ReturnType<Histogram['buckets']>,
  };
}

const QS = [0, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

function expectSameDistribution(merged: Histogram, direct: Histogram): void {
  expect(merged.buckets()).toEqual(direct.buckets());
  expect(merged.scale).toBe(direct.scale);
  expect(merged.count).toBe(direct.count);
  expect(merged.min).toBe(direct.min);
  expect(merged.max).toBe(direct.max);
  expect(QS.map((q) => merged.quantile(q))).toEqual(QS.map((q) => direct.quantile(q)));
}

describe('Histogram merge is exact (fast-check)', () => {
  const anyDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
  // A narrow bucket cap makes scales differ between a, b and a ++ b, exercising the downscale paths.
  const cases: [string, fc.Arbitrary<number>, HistogramOptions][] = [
    ['arbitrary doubles, default options', anyDouble, {}],
    [
      'latency-like values, 8 buckets (scales differ)',
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      { maxBuckets: 8 },
    ],
    ['integers, 4 buckets, scale 3', fc.integer({ min: -1e9, max: 1e9 }), { maxBuckets: 4, maxScale: 3 }],
  ];

  for (const [label, value, options] of cases) {
    it(`merge(hist(a), hist(b)) equals hist(a ++ b): ${label}`, () => {
      fc.assert(
        fc.property(fc.array(value, { maxLength: 300 }), fc.array(value, { maxLength: 300 }), (a, b) => {
          const direct = histogramOf([...a, ...b], options);
          expectSameDistribution(histogramOf(a, options).merge(histogramOf(b, options)), direct);
        }),
        { numRuns: 300, seed: 4242 },
      );
    });

    it(`the same holds through serialization (Histogram.fromBuckets of buckets()): ${label}`, () => {
      fc.assert(
        fc.property(
          fc.array(value, { minLength: 1, maxLength: 300 }),
          fc.array(value, { minLength: 1, maxLength: 300 }),
          (a, b) => {
            const direct = histogramOf([...a, ...b], options);
            const ha = Histogram.fromBuckets(serialized(histogramOf(a, options)), options);
            const hb = Histogram.fromBuckets(serialized(histogramOf(b, options)), options);
            expectSameDistribution(ha.merge(hb), direct);
            // A round trip alone changes nothing.
            const one = histogramOf(a, options);
            expect(Histogram.fromBuckets(serialized(one), options).buckets()).toEqual(one.buckets());
          },
        ),
        { numRuns: 300, seed: 4243 },
      );
    });
  }

  it('merging a finer histogram into a coarser one lowers the finer side, never the other way', () => {
    const coarse = histogramOf([1e-6, 1e9], { maxBuckets: 64 });
    const fine = histogramOf([10, 11, 12], { maxBuckets: 64 });
    expect(coarse.scale).toBeLessThan(fine.scale);
    const scale = coarse.scale;
    coarse.merge(fine);
    expect(coarse.scale).toBe(scale);
    expect(coarse.count).toBe(5);
    expect(coarse.quantile(0.5)).toBeGreaterThanOrEqual(10);
    expect(coarse.quantile(0.5)).toBeLessThanOrEqual(12);
  });
});

// ---- OpenTelemetry mapping: an exact reference using BigInt arithmetic ----

/** v = m * 2^e with m an integer. */
function decompose(v: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return exponentBits === 0 ? [fraction, -1074] : [fraction | (1n << 52n), exponentBits - 1075];
}

/** Whether v > base^j, base = 2^(2^-scale), decided exactly. */
function above(v: number, scale: number, j: number): boolean {
  const [m, e] = decompose(v);
  if (scale >= 0) {
    // v^(2^scale) > 2^j  <=>  m^(2^scale) > 2^(j - e * 2^scale)
    const p = 2 ** scale;
    const shift = j - e * p;
    const mp = m ** BigInt(p);
    return shift < 0 ? mp << BigInt(-shift) > 1n : mp > 1n << BigInt(shift);
  }
  // v > 2^(j * 2^-scale)  <=>  m > 2^(j * 2^-scale - e)
  const shift = j * 2 ** -scale - e;
  return shift < 0 ? m << BigInt(-shift) > 1n : m > 1n << BigInt(shift);
}

/** The OTel definition: the index i with base^i < v <= base^(i+1). */
function exactIndex(v: number, scale: number): number {
  let i = Math.floor(Math.log2(v) * 2 ** scale);
  while (!above(v, scale, i)) i--;
  while (above(v, scale, i + 1)) i++;
  return i;
}

describe('bucket mapping follows the OpenTelemetry base-2 exponential histogram', () => {
  const SCALES = [-10, -4, -1, 0, 1, 2, 3, 6, 8, 10];

  it.each(SCALES)('scale %i: random values land in bucket i holding (base^i, base^(i+1)]', (scale) => {
    const r = createRandom(500 + scale);
    const mismatches: string[] = [];
    // The exact reference raises 53-bit integers to 2^scale, so fine scales get fewer samples.
    const samples = scale >= 8 ? 300 : 3000;
    for (let k = 0; k < samples; k++) {
      const v = 2 ** ((r() - 0.5) * 2000); // 1e-301 .. 1e301
      const got = mapToIndex(v, scale);
      const want = exactIndex(v, scale);
      if (got !== want) mismatches.push(`${v} -> ${got}, expected ${want}`);
    }
    expect(mismatches).toEqual([]);
  });

  it.each([-10, -3, -1, 0, 1, 4, 6, 12, 20])(
    'scale %i: exact powers of two belong to the lower bucket; the next double up to the upper one',
    (scale) => {
      for (let e = -1020; e <= 1020; e += 17) {
        const v = 2 ** e;
        const lower = scale >= 0 ? e * 2 ** scale - 1 : Math.floor((e - 1) / 2 ** -scale);
        const up = v * (1 + Number.EPSILON);
        expect(mapToIndex(v, scale)).toBe(lower);
        if (scale >= 0) expect(mapToIndex(up, scale)).toBe(lower + 1);
        if (scale <= 6) {
          expect(mapToIndex(v, scale)).toBe(exactIndex(v, scale));
          expect(mapToIndex(up, scale)).toBe(exactIndex(up, scale));
        }
      }
    },
  );

  it('OTel reference points: scale 0 maps 1 -> -1, 1.5 -> 0, 2 -> 0, 3 -> 1; scale -1 maps 4 -> 0, 5 -> 1', () => {
    expect([1, 1.5, 2, 3, 4].map((v) => mapToIndex(v, 0))).toEqual([-1, 0, 0, 1, 1]);
    expect([1, 4, 5, 16, 17].map((v) => mapToIndex(v, -1))).toEqual([-1, 0, 1, 1, 2]);
    expect([Math.SQRT2 * 1.0000001, 2].map((v) => mapToIndex(v, 1))).toEqual([1, 1]);
  });

  it('lowerBoundary(i) is base^i and a histogram downscale is an index shift', () => {
    for (const scale of [-2, 0, 3, 6]) {
      for (const i of [-100, -1, 0, 1, 7, 100]) {
        expect(lowerBoundary(i, scale)).toBeCloseTo(2 ** (i / 2 ** scale), 10);
      }
    }
    const r = createRandom(3);
    for (let k = 0; k < 2000; k++) {
      const v = logUniform(r, 1e-9, 1e9);
      expect(mapToIndex(v, 4)).toBe(mapToIndex(v, 6) >> 2);
      expect(mapToIndex(v, -2)).toBe(mapToIndex(v, 6) >> 8);
    }
  });
});
