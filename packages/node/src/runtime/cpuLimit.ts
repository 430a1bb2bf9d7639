import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';

/** The CPUs the process may use and where the number came from. */
export interface CpuLimit {
  cpus: number;
  source: 'cgroup' | 'cores' | 'configured';
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** cgroup CPU quota in CPUs (v2 cpu.max, else v1 cfs quota/period), undefined when unlimited. */
export function cgroupCpuQuota(root = '/sys/fs/cgroup'): number | undefined {
  const v2 = read(`${root}/cpu.max`);
  if (v2) {
    const [quota, period] = v2.split(/\s+/);
    if (quota && quota !== 'max' && period) {
      const q = Number(quota) / Number(period);
      if (q > 0 && Number.isFinite(q)) return q;
    }
    return undefined;
  }
  const quota = Number(read(`${root}/cpu/cpu.cfs_quota_us`) ?? read(`${root}/cpu,cpuacct/cpu.cfs_quota_us`));
  const period = Number(
    read(`${root}/cpu/cpu.cfs_period_us`) ?? read(`${root}/cpu,cpuacct/cpu.cfs_period_us`),
  );
  if (quota > 0 && period > 0) return quota / period;
  return undefined;
}

/** Available CPU: configured, else the cgroup quota (capped at the cores), else availableParallelism(). */
export function cpuLimit(configured?: number): CpuLimit {
  if (configured && configured > 0) return { cpus: configured, source: 'configured' };
  const cores =
    typeof availableParallelism === 'function' ? availableParallelism() : Math.max(1, cpus().length);
  const quota = cgroupCpuQuota();
  if (quota !== undefined && quota < cores) return { cpus: quota, source: 'cgroup' };
  return { cpus: cores, source: 'cores' };
}
