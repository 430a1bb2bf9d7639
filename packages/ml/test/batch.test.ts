import { describe, expect, it } from 'vitest';
import { CALIBRATION_ITEMS, type JobResult, mlJob } from '../src/index.js';
import { findings, metric, newAudit } from './helpers.js';

describe('job.batch', () => {
  it('returns results in input order under concurrency and times every item', async () => {
    const audit = newAudit();
    const items = Array.from({ length: 40 }, (_, i) => i);
    let inFlight = 0;
    let maxInFlight = 0;
    const batch = await mlJob(audit, 'score', { kind: 'batch' }, (job) =>
      job.batch(
        items,
        async (x) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          // Later items finish first, so order must come from the index, not completion.
          await new Promise((r) => setTimeout(r, (40 - x) % 7));
          inFlight--;
          return x * 2;
        },
        { concurrency: 4 },
      ),
    );
    expect(batch.results).toEqual(items.map((x) => x * 2));
    expect(maxInFlight).toBe(4);
    expect(batch.failed).toBe(0);
    const report = audit.report();
    const item = metric(report, 'ml.batch.item.duration', { 'ml.job.name': 'score' });
    expect(item?.kind === 'histogram' && item.count).toBe(40);
    const tp = metric(report, 'ml.batch.throughput', { 'ml.job.name': 'score' });
    expect(tp?.kind === 'gauge' && tp.value).toBe(batch.itemsPerHour);
    expect(batch.itemsPerHour).toBeCloseTo((40 / batch.durationMs) * 3_600_000, 6);
  });

  it('times tiny items one in a stride, weighted so the histogram still counts every item', async () => {
    const audit = newAudit();
    const items = Array.from({ length: 20_000 }, (_, i) => i);
    const batch = await mlJob(audit, 'tiny', { kind: 'batch' }, (job) => job.batch(items, (x) => x + 1));
    expect(batch.results[19_999]).toBe(20_000);
    expect(batch.timingStride).toBeGreaterThan(1);
    expect(batch.timedItems).toBeLessThan(items.length / 2);
    const h = metric(audit.report(), 'ml.batch.item.duration', { 'ml.job.name': 'tiny' });
    const count = h?.kind === 'histogram' ? h.count : 0;
    expect(Math.abs(count - items.length)).toBeLessThanOrEqual(batch.timingStride + CALIBRATION_ITEMS);
  });

  it('times every item of a short batch, however fast, and weights async tiny items too', async () => {
    const audit = newAudit();
    await mlJob(audit, 'short', { kind: 'batch' }, (job) =>
      job.batch([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], (x) => x),
    );
    const short = metric(audit.report(), 'ml.batch.item.duration', { 'ml.job.name': 'short' });
    expect(short?.kind === 'histogram' && short.count).toBe(10);
    const items = Array.from({ length: 5_000 }, (_, i) => i);
    const batch = await mlJob(audit, 'async-tiny', { kind: 'batch' }, (job) =>
      job.batch(items, async (x) => x + 1, { concurrency: 3 }),
    );
    expect(batch.results[4_999]).toBe(5_000);
    expect(batch.timedItems).toBeLessThan(items.length / 2);
    const h = metric(audit.report(), 'ml.batch.item.duration', { 'ml.job.name': 'async-tiny' });
    const count = h?.kind === 'histogram' ? h.count : 0;
    expect(Math.abs(count - items.length)).toBeLessThanOrEqual(batch.timingStride + CALIBRATION_ITEMS);
  });

  it('counts failing items without stopping the batch', async () => {
    const audit = newAudit();
    const batch = await mlJob(audit, 'score', { kind: 'batch' }, (job) =>
      job.batch([1, 2, 3, 4, 5], (x) => {
        if (x % 2 === 0) throw new Error(`bad ${x}`);
        return x;
      }),
    );
    expect(batch.results).toEqual([1, undefined, 3, undefined, 5]);
    expect(batch.failed).toBe(2);
    expect(batch.failures.map((f) => [f.index, (f.error as Error).message])).toEqual([
      [1, 'bad 2'],
      [3, 'bad 4'],
    ]);
    const failures = metric(audit.report(), 'ml.batch.failures', { 'ml.job.name': 'score' });
    expect(failures?.kind === 'counter' && failures.value).toBe(2);
  });

  it('stops on the first failure when asked and the job fails with that error', async () => {
    let result: JobResult | undefined;
    const seen: number[] = [];
    await expect(
      mlJob(undefined, 'strict', { kind: 'batch', onResult: (r) => (result = r) }, (job) =>
        job.batch(
          [1, 2, 3, 4, 5, 6],
          (x) => {
            seen.push(x);
            if (x === 2) throw new Error('stop here');
            return x;
          },
          { stopOnError: true },
        ),
      ),
    ).rejects.toThrow('stop here');
    expect(seen).toEqual([1, 2]);
    expect(result?.status).toBe('failed');
    expect(result?.batches[0]).toMatchObject({ items: 2, failed: 1 });
  });

  it('keeps results and failures exact between timed items, for mixed sync and async items', async () => {
    // Tiny items get a stride of at least 2 (a power of two, at most 1024): 8192 and 16384 are timed items,
    // the other failures land in the untimed loops between timed items.
    const syncBad = new Set([5_001, 8_192, 12_345]);
    const asyncBad = new Set([16_384, 19_998]);
    const bad = new Set([...syncBad, ...asyncBad]);
    const items = Array.from({ length: 20_000 }, (_, i) => i);
    const fn = (x: number) => {
      if (syncBad.has(x)) throw new Error(`sync ${x}`);
      if (asyncBad.has(x)) return Promise.reject(new Error(`async ${x}`));
      return x % 3 === 0 ? Promise.resolve(x * 2) : x * 2;
    };
    for (const concurrency of [1, 4]) {
      const batch = await mlJob(undefined, 'mixed', { kind: 'batch' }, (job) =>
        job.batch(items, fn, { concurrency }),
      );
      expect(batch.timingStride).toBeGreaterThan(1);
      expect(batch.failures.map((f) => [f.index, (f.error as Error).message])).toEqual([
        [5_001, 'sync 5001'],
        [8_192, 'sync 8192'],
        [12_345, 'sync 12345'],
        [16_384, 'async 16384'],
        [19_998, 'async 19998'],
      ]);
      expect(batch.results).toEqual(items.map((x) => (bad.has(x) ? undefined : x * 2)));
    }
    const seen: number[] = [];
    await expect(
      mlJob(undefined, 'mixed-strict', { kind: 'batch' }, (job) =>
        job.batch(
          items,
          (x) => {
            seen.push(x);
            return fn(x);
          },
          { stopOnError: true },
        ),
      ),
    ).rejects.toThrow('sync 5001');
    expect(seen.length).toBe(5_002);
  });

  it('raises ml.low-throughput below 1000 items per hour', async () => {
    const audit = newAudit();
    await mlJob(audit, 'slow-scoring', { kind: 'batch' }, (job) =>
      job.batch([1, 2], () => new Promise((r) => setTimeout(r, 50)), {}),
    );
    await mlJob(audit, 'fast-scoring', { kind: 'batch' }, (job) => job.batch([1, 2, 3], (x) => x));
    // Two items in ~100 ms is ~72 000 / h: only a raised threshold makes it "low".
    await mlJob(audit, 'strict-scoring', { kind: 'batch', thresholds: { minItemsPerHour: 1e9 } }, (job) =>
      job.batch([1, 2], () => new Promise((r) => setTimeout(r, 50))),
    );
    const low = findings(audit.report(), 'ml.low-throughput');
    expect(low.map((f) => f.key)).toEqual(['strict-scoring']);
    expect(low[0]?.how.source).toBe('items / batch wall time');
  });
});
