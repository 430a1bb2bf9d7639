/** Lighthouse's log-normal control points: the value scoring 0.9 (p10) and the one scoring 0.5 (median). */
interface Curve {
  p10: number;
  median: number;
}

/** The page-load metrics a Lighthouse-style score is computed from (ms; CLS unitless). */
export interface ScoreInputs {
  fcp: number;
  lcp: number;
  tbt: number;
  cls: number;
}

// Lighthouse 10+ scoring curves and weights. Speed Index has no field measurement, so its weight (0.10) is
// spread over the rest in proportion: the weights below sum to 1.
const CURVES: Record<'mobile' | 'desktop', Record<keyof ScoreInputs, Curve>> = {
  mobile: {
    fcp: { p10: 1800, median: 3000 },
    lcp: { p10: 2500, median: 4000 },
    tbt: { p10: 200, median: 600 },
    cls: { p10: 0.1, median: 0.25 },
  },
  desktop: {
    fcp: { p10: 934, median: 1600 },
    lcp: { p10: 1200, median: 2400 },
    tbt: { p10: 150, median: 350 },
    cls: { p10: 0.1, median: 0.25 },
  },
};
const WEIGHTS: Record<keyof ScoreInputs, number> = {
  fcp: 0.1 / 0.9,
  lcp: 0.25 / 0.9,
  tbt: 0.3 / 0.9,
  cls: 0.25 / 0.9,
};

/** Abramowitz and Stegun 7.1.26, as Lighthouse computes it. */
function erf(x: number): number {
  const sign = Math.sign(x);
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - y * Math.exp(-ax * ax));
}

/** Lighthouse's getLogNormalScore: 0..1, clamped so p10 and median land exactly on 0.9 and 0.5. */
export function logNormalScore({ p10, median }: Curve, value: number): number {
  if (value <= 0) return 1;
  const standardized = (Math.log(value / median) * 0.9061938024368232) / -Math.log(p10 / median);
  const complementary = (1 - erf(standardized)) / 2;
  if (value <= p10) return Math.max(0.9, Math.min(1, complementary));
  if (value <= median) return Math.max(0.5, Math.min(0.8999999999999999, complementary));
  return Math.max(0, Math.min(0.49999999999999994, complementary));
}

/**
 * A Lighthouse-style performance score (0-100) of one real page load: Lighthouse's curves and weights for
 * FCP, LCP, TBT and CLS, without Speed Index. A field measurement, not Lighthouse's throttled lab run.
 */
export function lighthouseScore(inputs: ScoreInputs, formFactor: 'mobile' | 'desktop' = 'desktop'): number {
  const curves = CURVES[formFactor];
  let score = 0;
  for (const k of Object.keys(WEIGHTS) as (keyof ScoreInputs)[])
    score += WEIGHTS[k] * logNormalScore(curves[k], inputs[k]);
  return Math.round(score * 100);
}
