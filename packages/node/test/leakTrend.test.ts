import { describe, expect, it } from 'vitest';
import { HeapAfterGc, incompleteBeta, linearTrend, logGamma, studentTUpper } from '../src/index.js';

describe('leak trend statistics', () => {
  it("Student's t tail matches tabulated values", () => {
    expect(studentTUpper(0, 5)).toBeCloseTo(0.5, 10);
    expect(studentTUpper(1, 1)).toBeCloseTo(0.25, 10); // Cauchy
    expect(studentTUpper(-1, 1)).toBeCloseTo(0.75, 10);
    expect(studentTUpper(2.228, 10)).toBeCloseTo(0.025, 4); // t table, two-sided 0.05
    expect(studentTUpper(2.764, 10)).toBeCloseTo(0.01, 4);
    expect(studentTUpper(1.96, 100_000)).toBeCloseTo(0.025, 3); // tends to the normal
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 10);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 10);
  });

  it('a noisy rising series is significant; a noisy flat one is not', () => {
    const t = Array.from({ length: 30 }, (_, i) => i * 1000);
    // Deterministic "noise" (a fixed zig-zag) so the test cannot flake.
    const noise = t.map((_, i) => ((i * 7919) % 11) - 5);
    const rising = linearTrend(
      t,
      t.map((x, i) => 1e6 + x * 2 + noise[i]! * 1000),
    )!;
    expect(rising.slope).toBeCloseTo(2, 0);
    expect(rising.p).toBeLessThan(1e-6);
    const flat = linearTrend(
      t,
      t.map((_, i) => 1e6 + noise[i]! * 1000),
    )!;
    expect(flat.p).toBeGreaterThan(0.01);
    expect(linearTrend([1, 1, 1], [1, 2, 3])).toBeUndefined();
    expect(linearTrend([1, 2], [1, 2])).toBeUndefined();
  });

  it('HeapAfterGc keeps only its window and a bounded number of samples', () => {
    const h = new HeapAfterGc(10_000, 5);
    for (let i = 0; i < 20; i++) h.add(i, i * 1000);
    expect(h.size).toBe(5);
    expect(h.first).toBe(15);
    const w = new HeapAfterGc(3000, 100);
    for (let i = 0; i < 20; i++) w.add(i, i * 1000);
    expect(w.spanMs).toBe(3000);
  });
});
