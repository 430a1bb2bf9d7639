import { AuditReportSchema } from '@perf/core';
import { describe, expect, it } from 'vitest';
import { isAlive, runJob } from '../src/index.js';
import { field, findings, fixture, MiB, metric, newAudit } from './helpers.js';

const quiet = { passThrough: false, intervalMs: 50 } as const;

describe.concurrent('runJob: memory of a real child process', () => {
  it('measures a Node child that touches 200 MiB within 10% of its own VmHWM', async () => {
    const audit = newAudit();
    const r = await runJob(process.execPath, [fixture('alloc.mjs'), '200', '400'], {
      ...quiet,
      audit,
      name: 'node-alloc',
      kind: 'inference',
    });
    expect(r.exitCode).toBe(0);
    const [childHwm, allocated] = field(r.stdoutTail, 'HWM') as [number, number];
    expect(allocated).toBe(200 * MiB);
    // A single process: the peak is its kernel high-water mark, labelled exact.
    expect(r.memory.how).toBe('exact');
    expect(r.memory.peakBytes).toBeGreaterThanOrEqual(200 * MiB);
    expect(Math.abs(r.memory.peakBytes - childHwm) / childHwm).toBeLessThanOrEqual(0.1);
    // The interval sampler alone also sees the held block.
    expect(Math.abs(r.memory.sampledPeakBytes - childHwm) / childHwm).toBeLessThanOrEqual(0.1);
    const report = audit.report();
    const peak = metric(report, 'ml.job.memory.peak', {
      'ml.job.name': 'node-alloc',
      'ml.job.memory.how': 'exact',
    });
    expect(peak?.kind === 'gauge' && peak.max).toBe(r.memory.peakBytes);
    expect(
      metric(report, 'ml.job.duration', { 'ml.job.name': 'node-alloc', 'ml.job.kind': 'inference' }),
    ).toBeDefined();
  });

  it('measures a python3 child that touches 200 MiB within 10% of its own VmHWM', async () => {
    const audit = newAudit();
    const r = await runJob('python3', [fixture('alloc.py'), '200', '0.4'], {
      ...quiet,
      audit,
      name: 'py-alloc',
    });
    expect(r.exitCode).toBe(0);
    const [childHwm] = field(r.stdoutTail, 'HWM') as [number];
    expect(r.memory.peakBytes).toBeGreaterThanOrEqual(200 * MiB);
    expect(Math.abs(r.memory.peakBytes - childHwm) / childHwm).toBeLessThanOrEqual(0.1);
    expect(Math.abs(r.memory.sampledPeakBytes - childHwm) / childHwm).toBeLessThanOrEqual(0.1);
    // perf_ml.py was importable (PYTHONPATH) and its phases arrived over fd 3.
    expect(r.phases.map((p) => p.name)).toEqual(['allocate', 'hold']);
    expect(r.protocol.malformed).toBe(0);
    const hold = metric(audit.report(), 'ml.job.phase.duration', { 'ml.job.phase': 'hold' });
    expect(hold?.kind === 'histogram' && hold.max).toBeGreaterThanOrEqual(350);
  });

  it('counts a grandchild in the tree peak', async () => {
    const audit = newAudit();
    const r = await runJob(process.execPath, [fixture('tree.mjs'), '200'], { ...quiet, audit, name: 'tree' });
    expect(r.exitCode).toBe(0);
    const [grandchild] = field(r.stdoutTail, 'GRANDCHILD') as [number];
    const [grandHwm] = field(r.stdoutTail, 'HWM') as [number];
    const seen = r.processes.find((p) => p.pid === grandchild);
    expect(seen?.ppid).toBe(r.pid);
    expect(Math.abs((seen?.hwmBytes ?? 0) - grandHwm) / grandHwm).toBeLessThanOrEqual(0.1);
    const parent = r.processes.find((p) => p.pid === r.pid);
    // The tree peak holds the grandchild's 200 MiB on top of the parent, and says it is sampled.
    expect(r.memory.how).toBe('sampled');
    expect(r.memory.peakBytes).toBeGreaterThanOrEqual(200 * MiB);
    expect(r.memory.sampledPeakBytes).toBeGreaterThan(grandHwm * 0.9 + (parent?.hwmBytes ?? 0) * 0.5);
    expect(r.memory.upperBoundBytes).toBeGreaterThanOrEqual(grandHwm + (parent?.hwmBytes ?? 0));
    const peak = metric(audit.report(), 'ml.job.memory.peak', {
      'ml.job.name': 'tree',
      'ml.job.memory.how': 'sampled',
    });
    expect(peak?.kind === 'gauge' && peak.max).toBe(r.memory.peakBytes);
  });
});

describe.concurrent('runJob: killing the tree', () => {
  it('kills the whole tree on timeout, including a grandchild that left the group and ignores SIGTERM', async () => {
    const audit = newAudit();
    const r = await runJob(process.execPath, [fixture('hang.mjs')], {
      ...quiet,
      audit,
      name: 'hang',
      timeoutMs: 3000,
      killGraceMs: 300,
    });
    const [inGroup, escaped] = field(r.stdoutTail, 'GRANDCHILDREN') as [number, number];
    expect(r.reason).toBe('timeout');
    expect(r.status).toBe('failed');
    expect(r.signal).toBe('SIGTERM');
    // The setsid grandchild ignored SIGTERM: it took the SIGKILL escalation.
    expect(r.killed?.signal).toBe('SIGKILL');
    expect(r.killed?.complete).toBe(true);
    expect(isAlive(inGroup)).toBe(false);
    expect(isAlive(escaped)).toBe(false);
    const failed = findings(audit.report(), 'ml.job-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.title).toContain('timed out after 3000 ms');
    expect(failed[0]?.evidence.details?.reason).toBe('timeout');
  });

  it('kills the tree when it passes the memory ceiling and reports ml.memory against the ceiling', async () => {
    const audit = newAudit();
    const r = await runJob('python3', [fixture('alloc.py'), '300', '2'], {
      ...quiet,
      audit,
      name: 'greedy',
      memoryLimitBytes: 150 * MiB,
      killGraceMs: 300,
    });
    expect(r.reason).toBe('memory-limit');
    expect(r.signal).toBe('SIGTERM');
    expect(r.memory.peakBytes).toBeGreaterThan(150 * MiB);
    const report = audit.report();
    expect(findings(report, 'ml.memory')[0]?.title).toContain('limit 0.15 GiB');
    expect(findings(report, 'ml.job-failed')[0]?.evidence.details?.reason).toBe('memory-limit');
  });

  it('kills descendants that outlive the main process', async () => {
    const r = await runJob('sh', ['-c', 'sleep 30 & echo "ORPHAN $!"; exit 0'], {
      ...quiet,
      killGraceMs: 300,
    });
    const [orphan] = field(r.stdoutTail, 'ORPHAN') as [number];
    expect(r.exitCode).toBe(0);
    expect(r.orphansKilled).toBe(1);
    expect(isAlive(orphan)).toBe(false);
  });
});

describe.concurrent('runJob: failures are results, and the report is still written', () => {
  it('keeps the exit code of a crashing child and records its phases', async () => {
    const audit = newAudit();
    const r = await runJob(process.execPath, [fixture('crash.mjs')], {
      ...quiet,
      audit,
      name: 'crashy',
      kind: 'inference',
    });
    expect(r.exitCode).toBe(3);
    expect(r.signal).toBeNull();
    expect(r.status).toBe('failed');
    expect(r.error).toBe('exited with code 3');
    expect(r.stderrTail).toContain('model file is corrupt');
    // The phase that never ended is listed as incomplete and kept out of the histogram.
    expect(r.phases).toEqual([
      { name: 'load-artifact', durationMs: 12.5, ok: true, complete: true },
      expect.objectContaining({ name: 'predict', ok: false, complete: false }),
    ]);
    const report = audit.report();
    expect(AuditReportSchema.safeParse(report).success).toBe(true);
    expect(metric(report, 'ml.job.phase.duration', { 'ml.job.phase': 'predict' })).toBeUndefined();
    expect(metric(report, 'ml.job.runs', { 'ml.job.status': 'failed' })?.kind).toBe('counter');
    const f = findings(report, 'ml.job-failed')[0];
    expect(f?.evidence.details?.exitCode).toBe(3);
    expect(String(f?.evidence.details?.stderrTail)).toContain('model file is corrupt');
  });

  it('passes a fatal signal through', async () => {
    const r = await runJob(process.execPath, [fixture('crash.mjs'), 'signal'], quiet);
    expect(r.exitCode).toBeNull();
    expect(r.signal).toBe('SIGSEGV');
    expect(r.error).toBe('killed by SIGSEGV');
  });

  it('resolves with a failed result when the command does not exist', async () => {
    const audit = newAudit();
    const r = await runJob('/nonexistent/fit-model', [], { ...quiet, audit });
    expect(r.reason).toBe('spawn-error');
    expect(r.error).toContain('ENOENT');
    expect(findings(audit.report(), 'ml.job-failed')).toHaveLength(1);
  });

  it('streams stdout and stderr to callbacks with protocol lines removed', async () => {
    let out = '';
    let err = '';
    const r = await runJob(
      'sh',
      ['-c', 'echo one; echo "@perf-ml {\\"t\\":\\"progress\\",\\"done\\":1}"; echo two; echo oops >&2'],
      {
        ...quiet,
        onStdout: (t) => (out += t),
        onStderr: (t) => (err += t),
      },
    );
    expect(r.status).toBe('ok');
    expect(out).toBe('one\ntwo\n');
    expect(err).toBe('oops\n');
    expect(r.progress).toEqual({ done: 1 });
  });
});
