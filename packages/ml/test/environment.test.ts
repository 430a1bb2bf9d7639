import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { coresAvailable, detectCgroup, packageRoot, readCgroupPeak } from '../src/index.js';
import { fixture } from './helpers.js';

describe('what the machine offers', () => {
  it('finds this process in a memory cgroup whose peak covers at least our own RSS', () => {
    const cg = detectCgroup();
    expect([1, 2]).toContain(cg.version);
    const peak = readCgroupPeak(cg.memoryPath as string);
    expect(peak).toBeGreaterThanOrEqual(process.memoryUsage.rss());
  });

  it('uses the smaller of the CPU quota and the visible cores as the efficiency denominator', () => {
    const { cores, source } = coresAvailable();
    const quota = detectCgroup().cpuQuotaCores;
    expect(source).toBe(
      quota !== undefined && quota < cores ? 'cgroup cpu quota' : 'os.availableParallelism',
    );
    expect(cores).toBeGreaterThan(0);
  });
});

describe.concurrent('child helpers never break the child', () => {
  it('perf_ml.py keeps running when its fd is not open', () => {
    const r = spawnSync('python3', [fixture('converge.py'), 'bad'], {
      env: { ...process.env, PYTHONPATH: packageRoot, PERF_ML_FD: '9' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
  });

  it('perf_ml.py is silent under PERF_ML_DISABLE', () => {
    const r = spawnSync('python3', [fixture('converge.py')], {
      env: { ...process.env, PYTHONPATH: packageRoot, PERF_ML_DISABLE: '1', PERF_ML_FD: '' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('childReporter disables itself on a closed fd instead of throwing', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fixture('protocol-node.ts')], {
      env: { ...process.env, PERF_ML_FD: '9' },
      encoding: 'utf8',
      cwd: packageRoot,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
  });
});
