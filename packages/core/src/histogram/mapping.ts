// Index mapping of OpenTelemetry's base-2 exponential histogram (base = 2^(2^-scale)): bucket `index`
// holds values in (base^index, base^(index+1)]. Same index definition as the OTel SDK so an OTLP export is
// lossless; near a boundary the index is decided from the IEEE-754 bits, which is more exact than ln() alone.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

/** Smallest normal double: below it (subnormals) values go to the zero bucket. */
export const MIN_NORMAL = 2.2250738585072014e-308;

/** Fraction of a bucket within which the fast logarithm may round to the wrong side of a boundary. */
const NEAR_BOUNDARY = 1e-6;

/** log2(e) * 2^scale for scales 0..20, the factor that turns ln(value) into a bucket index. */
const SCALE_FACTORS = Float64Array.from({ length: 21 }, (_, s) => Math.LOG2E * 2 ** s);

/** Bucket index of a positive, normal, finite value at `scale`. */
export function mapToIndex(value: number, scale: number): number {
  if (scale > 0) {
    // Fast path: ln(value) is off by at most a few ulps, which only matters right at a boundary.
    const x = Math.log(value) * SCALE_FACTORS[scale]!;
    const index = Math.floor(x);
    const frac = x - index;
    if (frac > NEAR_BOUNDARY && frac < 1 - NEAR_BOUNDARY) return index;
  }
  return mapFromBits(value, scale);
}

/**
 * The index from the IEEE-754 bits: the binary exponent is exact, and only the significand in [1, 2) goes
 * through the logarithm, so exact powers of two and their neighbours land as the OTel definition says
 * (ln(2^-884 * (1 + 2^-52)) alone rounds below the boundary).
 */
function mapFromBits(value: number, scale: number): number {
  f64[0] = value;
  const hi = u32[HI]!;
  const exp = ((hi >>> 20) & 0x7ff) - 1023;
  const exactPowerOfTwo = (hi & 0xfffff) === 0 && u32[LO] === 0;
  if (scale <= 0) {
    // base is 2^(2^-scale): the index is the binary exponent shifted; exact powers of two belong below.
    return (exactPowerOfTwo ? exp - 1 : exp) >> -scale;
  }
  if (exactPowerOfTwo) return (exp << scale) - 1;
  u32[HI] = (hi & 0xfffff) | 0x3ff00000;
  const sub = Math.floor(Math.log(f64[0]!) * SCALE_FACTORS[scale]!);
  const last = (1 << scale) - 1;
  return (exp << scale) + (sub < last ? sub : last);
}

/** Lower boundary (exclusive) of bucket `index` at `scale`: base^index. */
export function lowerBoundary(index: number, scale: number): number {
  return scale <= 0 ? 2 ** (index * 2 ** -scale) : 2 ** (index / 2 ** scale);
}

/**
 * The point estimate of a bucket that minimises the worst relative error: the harmonic mean of its
 * boundaries, 2LU/(L+U), whose error is at most (base-1)/(base+1) (0.54% at scale 6).
 */
export function bucketEstimate(index: number, scale: number): number {
  const lo = lowerBoundary(index, scale);
  const hi = lowerBoundary(index + 1, scale);
  return (2 * lo * hi) / (lo + hi);
}

/** Worst relative error of a quantile at `scale`. */
export function relativeErrorAt(scale: number): number {
  const base = 2 ** (2 ** -scale);
  return (base - 1) / (base + 1);
}
