import { describe, expect, it } from 'vitest';
import { lighthouseScore, logNormalScore } from '../src/ingest/lighthouseScore.js';

describe('Lighthouse-style score', () => {
  it('puts p10 at 0.9 and the median at 0.5, as Lighthouse defines its curves', () => {
    const curve = { p10: 2500, median: 4000 };
    expect(logNormalScore(curve, 2500)).toBeCloseTo(0.9, 2);
    expect(logNormalScore(curve, 4000)).toBeCloseTo(0.5, 2);
    expect(logNormalScore(curve, 1000)).toBeGreaterThan(0.9);
    expect(logNormalScore(curve, 10_000)).toBeLessThan(0.1);
    expect(logNormalScore(curve, 0)).toBe(1);
  });

  it('weights FCP, LCP, TBT and CLS like Lighthouse 10 without Speed Index', () => {
    expect(lighthouseScore({ fcp: 300, lcp: 400, tbt: 0, cls: 0 })).toBe(100);
    // Everything at the desktop medians scores 50.
    expect(lighthouseScore({ fcp: 1600, lcp: 2400, tbt: 350, cls: 0.25 })).toBe(50);
    // TBT carries a third of the weight: a fast page with long blocking tasks drops by about that much.
    const blocked = lighthouseScore({ fcp: 300, lcp: 400, tbt: 3000, cls: 0 });
    expect(blocked).toBeGreaterThanOrEqual(66);
    expect(blocked).toBeLessThanOrEqual(68);
    // Desktop curves are stricter than mobile ones (Lighthouse's mobile runs are throttled) for the same numbers.
    const page = { fcp: 1500, lcp: 2000, tbt: 180, cls: 0.05 };
    expect(lighthouseScore(page, 'desktop')).toBeLessThan(lighthouseScore(page, 'mobile'));
  });
});
