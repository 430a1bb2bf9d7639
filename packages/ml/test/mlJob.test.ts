import { AuditReportSchema } from '@perf/core';
import { describe, expect, it } from 'vitest';
import { coresAvailable, type JobResult, mlJob, resetHighWaterMark } from '../src/index.js';
import { findings, MiB, metric, newAudit } from './helpers.js';

/** Burns ms of this process's CPU time (not wall time: on a loaded machine the two differ). */
const busy = (ms: number) => {
  const start = process.cpuUsage();
  for (;;) {
    const d = process.cpuUsage(start);
    if ((d.user + d.system) / 1000 >= ms) return;
  }
};

describe('mlJob (in-process)', () => {
  it('records wall time, nested phases, CPU time and efficiency', async () => {
    const audit = newAudit();
    let result: JobResult | undefined;
    const out = await mlJob(
      audit,
      'mmm-fit',
      { kind: 'training', onResult: (r) => (result = r) },
      async (job) => {
        await job.phase('preprocess', () => busy(60));
        await job.phase('fit', async () => {
          await job.phase('sample', () => busy(40));
          await new Promise((r) => setTimeout(r, 40));
        });
        return 42;
      },
    );
    expect(out).toBe(42);
    expect(result?.status).toBe('ok');
    expect(result?.phases.map((p) => p.name)).toEqual(['preprocess', 'sample', 'fit']);
    // Nested phases are inclusive: 'fit' contains 'sample' plus the 40 ms wait.
    const fit = result?.phases.find((p) => p.name === 'fit')?.durationMs ?? 0;
    const sample = result?.phases.find((p) => p.name === 'sample')?.durationMs ?? 0;
    expect(fit).toBeGreaterThanOrEqual(sample + 35);
    // 100 ms of busy loop is CPU time; the 40 ms timer wait is not.
    expect(result?.cpuMs).toBeGreaterThanOrEqual(100);
    expect(result?.cpuHow).toBe('exact');
    const r = result as JobResult;
    expect(r.efficiency).toBeCloseTo(r.cpuMs / (r.durationMs * r.cores.cores), 6);
    const report = audit.report();
    expect(AuditReportSchema.safeParse(report).success).toBe(true);
    const dur = metric(report, 'ml.job.duration', { 'ml.job.name': 'mmm-fit', 'ml.job.kind': 'training' });
    expect(dur?.kind === 'histogram' && dur.max).toBeCloseTo(r.durationMs, 0);
    const phase = metric(report, 'ml.job.phase.duration', { 'ml.job.phase': 'preprocess' });
    // The report carries the phase time the job measured (CPU time can run ahead of wall time: V8's helper
    // threads count too, so the busy loop's 60 ms of CPU may take less wall time).
    const preprocess = r.phases.find((p) => p.name === 'preprocess')?.durationMs;
    expect(phase?.kind === 'histogram' && phase.min).toBeCloseTo(preprocess ?? -1, 3);
    const eff = metric(report, 'ml.job.cpu.efficiency', { 'ml.job.name': 'mmm-fit' });
    expect(eff?.kind === 'gauge' && eff.value).toBe(r.efficiency);
  });

  it('reports the exact peak (VmHWM after a clear_refs reset) of an allocation inside the job', async () => {
    // clear_refs works on this kernel; the test states it so a kernel that refuses it is visible.
    expect(resetHighWaterMark()).toBe(true);
    const audit = newAudit();
    let result: JobResult | undefined;
    const before = process.memoryUsage.rss();
    await mlJob(audit, 'alloc', { kind: 'inference', onResult: (r) => (result = r) }, async () => {
      const block = Buffer.alloc(150 * MiB, 1);
      await new Promise((r) => setTimeout(r, 50));
      return block.length;
    });
    expect(result?.memory.how).toBe('exact');
    expect(result?.memory.peakBytes).toBeGreaterThanOrEqual(before + 150 * MiB * 0.95);
    expect(result?.memory.source).toContain('clear_refs');
    const peak = metric(audit.report(), 'ml.job.memory.peak', {
      'ml.job.name': 'alloc',
      'ml.job.memory.how': 'exact',
    });
    expect(peak?.kind === 'gauge' && peak.value).toBe(result?.memory.peakBytes);
  });

  it('falls back to the sampled peak for a job that overlaps another (no reset while another runs)', async () => {
    const results: JobResult[] = [];
    const onResult = (r: JobResult) => results.push(r);
    await mlJob(undefined, 'outer', { kind: 'batch', onResult }, async () => {
      await mlJob(undefined, 'inner', { kind: 'batch', onResult }, () => busy(5));
    });
    expect(results.map((r) => [r.name, r.memory.how])).toEqual([
      ['inner', 'sampled'],
      ['outer', 'exact'],
    ]);
  });

  it('propagates the job error unchanged and still records the job as failed', async () => {
    const audit = newAudit();
    const boom = new Error('singular matrix');
    let result: JobResult | undefined;
    await expect(
      mlJob(audit, 'bad-fit', { kind: 'training', onResult: (r) => (result = r) }, async (job) => {
        await job.phase('fit', () => {
          throw boom;
        });
      }),
    ).rejects.toBe(boom);
    expect(result?.status).toBe('failed');
    expect(result?.error).toBe('Error: singular matrix');
    expect(result?.phases).toEqual([expect.objectContaining({ name: 'fit', ok: false })]);
    const report = audit.report();
    expect(metric(report, 'ml.job.duration', { 'ml.job.name': 'bad-fit' })).toBeDefined();
    expect(metric(report, 'ml.job.runs', { 'ml.job.status': 'failed' })).toBeDefined();
    expect(findings(report, 'ml.job-failed')[0]?.title).toContain('singular matrix');
  });

  it('raises slow-inference, slow-training, memory, not-converged and poor-parallelism at their thresholds', async () => {
    const audit = newAudit();
    await mlJob(audit, 'predict', { kind: 'inference', thresholds: { slowInferenceMs: 20 } }, () => busy(30));
    await mlJob(audit, 'train', { kind: 'training', thresholds: { slowTrainingMs: 20 } }, () => busy(30));
    await mlJob(audit, 'hog', { kind: 'training', memoryLimitBytes: 1024 }, () => busy(1));
    await mlJob(audit, 'fit', { kind: 'training' }, (job) =>
      job.diagnostics({ rHat: 1.001, essBulk: 350, chains: 4 }),
    );
    // Declared 2 workers, but the job only sleeps: efficiency ~0 on a machine with >= 2 cores.
    await mlJob(
      audit,
      'idle',
      { kind: 'training', parallelism: 2, thresholds: { minParallelWallMs: 100 } },
      () => new Promise((r) => setTimeout(r, 150)),
    );
    const report = audit.report();
    expect(findings(report, 'ml.slow-inference')[0]?.key).toBe('predict');
    expect(findings(report, 'ml.slow-training')[0]?.key).toBe('train');
    expect(findings(report, 'ml.slow-training')).toHaveLength(1);
    const mem = findings(report, 'ml.memory');
    expect(mem.map((f) => f.key)).toEqual(['hog']);
    expect(mem[0]?.how.method).toBe('exact');
    // 350 bulk ESS over 4 chains is 87.5 per chain: below PyMC's 100.
    expect(findings(report, 'ml.not-converged')[0]?.title).toContain('bulk ESS per chain 88 < 100');
    const par = findings(report, 'ml.poor-parallelism');
    // The rule needs at least two cores to judge; on one core it must stay silent.
    expect(par.map((f) => f.key)).toEqual(coresAvailable().cores >= 2 ? ['idle'] : []);
    expect(par.every((f) => /parallel processing for independent operations/.test(f.recommendation))).toBe(
      true,
    );
    for (const f of report.findings) expect(f.recommendation.length).toBeGreaterThan(20);
  });
});
