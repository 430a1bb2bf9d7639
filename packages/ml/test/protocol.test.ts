import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_LINE_BYTES, parseMessage, runJob } from '../src/index.js';
import { findings, fixture, metric, newAudit } from './helpers.js';

const quiet = { passThrough: false, intervalMs: 50 } as const;

describe.concurrent('line protocol over real children', () => {
  it('turns perf_ml.py phases and converged diagnostics into metrics without findings', async () => {
    const audit = newAudit();
    const r = await runJob('python3', [fixture('converge.py')], { ...quiet, audit, name: 'mmm-fit' });
    expect(r.status).toBe('ok');
    expect(r.phases.map((p) => p.name)).toEqual(['preprocess', 'sampling']);
    expect(r.progress).toEqual({ done: 4, total: 4 });
    expect(r.diagnostics).toEqual({ rHat: 1.001, essBulk: 3200, divergences: 0, chains: 4, draws: 1000 });
    const report = audit.report();
    const sampling = metric(report, 'ml.job.phase.duration', {
      'ml.job.name': 'mmm-fit',
      'ml.job.phase': 'sampling',
    });
    expect(sampling?.kind === 'histogram' && sampling.count).toBe(1);
    expect(sampling?.kind === 'histogram' && sampling.min).toBeGreaterThanOrEqual(80);
    expect(metric(report, 'ml.convergence.r_hat')?.kind === 'gauge').toBe(true);
    expect(findings(report, 'ml.not-converged')).toHaveLength(0);
  });

  it('raises ml.not-converged from a not-converged perf_ml.py payload (R-hat, ESS per chain, divergences)', async () => {
    const audit = newAudit();
    await runJob('python3', [fixture('converge.py'), 'bad'], { ...quiet, audit, name: 'mmm-fit' });
    const [f] = findings(audit.report(), 'ml.not-converged');
    expect(f?.severity).toBe('critical');
    expect(f?.title).toContain('R-hat 1.05 > 1.01');
    expect(f?.title).toContain('bulk ESS per chain 60 < 100');
    expect(f?.title).toContain('7 divergences after tuning');
    expect(f?.evidence.details?.ess_bulk_per_chain).toBe(60);
    expect(f?.recommendation).toMatch(/PyMC model specification/);
  });

  it('reads childReporter messages from a Node child (phases, progress, throughput, diagnostics)', async () => {
    const audit = newAudit();
    const r = await runJob(process.execPath, ['--import', 'tsx', fixture('protocol-node.ts')], {
      ...quiet,
      audit,
      name: 'score',
      kind: 'batch',
    });
    expect(r.status).toBe('ok');
    expect(r.protocol.malformed).toBe(0);
    expect(r.phases.map((p) => [p.name, p.ok, p.complete])).toEqual([
      ['load-artifact', true, true],
      ['predict', true, true],
    ]);
    expect(r.phases[0]?.durationMs).toBeGreaterThanOrEqual(29);
    expect(r.progress).toEqual({ done: 50, total: 100 });
    expect(r.throughputPerHour).toBe(600);
    const report = audit.report();
    const tp = metric(report, 'ml.batch.throughput', { 'ml.job.name': 'score' });
    expect(tp?.kind === 'gauge' && tp.value).toBe(600);
    expect(findings(report, 'ml.low-throughput')[0]?.title).toContain('600 items/hour');
    expect(findings(report, 'ml.not-converged')[0]?.title).toContain('R-hat 1.2');
    const progress = metric(report, 'ml.job.progress', { 'ml.job.name': 'score' });
    expect(progress?.kind === 'gauge' && progress.value).toBe(0.5);
  });

  it('counts and ignores malformed and over-long lines on the fd and on stdout', async () => {
    const audit = newAudit();
    let stdout = '';
    const r = await runJob(process.execPath, [fixture('malformed.mjs')], {
      ...quiet,
      audit,
      name: 'messy',
      onStdout: (t) => (stdout += t),
    });
    expect(r.status).toBe('ok');
    // fd: not json, end without name, unknown type, array, over-long, bad r_hat; stdout: broken, over-long.
    expect(r.protocol.malformed).toBe(8);
    expect(r.protocol.messages).toBe(4);
    // The fd and stdout are two pipes: which one's bad lines arrive first is up to the scheduler, but the fd's
    // first bad line is always among the first five kept (stdout has only two).
    expect(r.protocol.malformedSamples).toHaveLength(5);
    expect(r.protocol.malformedSamples).toContain('this is not json');
    expect(r.phases).toEqual([{ name: 'fit', durationMs: 20, ok: true, complete: true }]);
    expect(r.progress).toEqual({ done: 5, total: 10 });
    expect(r.throughputPerHour).toBe(36_000);
    expect(stdout).toBe('ordinary output line\nlast ordinary line\n');
    const [f] = findings(audit.report(), 'ml.protocol-malformed');
    expect(f?.occurrences).toBe(8);
    expect(f?.evidence.details?.malformedLines).toBe(8);
  });

  it('reads protocol lines from stdout only when asked to', async () => {
    const r = await runJob('python3', [fixture('converge.py')], { ...quiet, protocol: 'stdout' });
    // Without PERF_ML_FD perf_ml.py falls back to '@perf-ml ' stdout lines.
    expect(r.phases.map((p) => p.name)).toEqual(['preprocess', 'sampling']);
    expect(r.stdoutTail).toBe('');
    const none = await runJob('python3', [fixture('converge.py')], { ...quiet, protocol: 'none' });
    expect(none.phases).toEqual([]);
    expect(none.stdoutTail).toContain('@perf-ml {"t":"phase"');
  });
});

describe('parseMessage', () => {
  it('accepts the documented shapes and rejects the rest', () => {
    expect(parseMessage('{"t":"phase","event":"end","name":"fit","ms":3}')).toEqual({
      t: 'phase',
      event: 'end',
      name: 'fit',
      ms: 3,
    });
    expect(parseMessage('{"t":"diagnostics","r_hat":1.2,"ess_bulk":50}')).toEqual({
      t: 'diagnostics',
      diagnostics: { rHat: 1.2, essBulk: 50 },
    });
    expect(parseMessage('{"t":"throughput","items":5,"seconds":0}')).toBeUndefined();
    expect(parseMessage('{"t":"phase","event":"end","name":"' + 'n'.repeat(200) + '"}')).toBeUndefined();
    expect(parseMessage('{"t":"diagnostics"}')).toBeUndefined();
    expect(parseMessage('null')).toBeUndefined();
    expect(DEFAULT_MAX_LINE_BYTES).toBe(65_536);
  });
});
