import { availableParallelism, cpus } from 'node:os';
import { cpuCgroup, quotaOf } from './cgroupCpu.js';

/** The CPUs the process may use and where the number came from. */
export interface CpuLimit {
  cpus: number;
  source: 'cgroup' | 'cores' | 'configured';
}

/** The CPU quota of this process's own cgroup, in CPUs (v2 cpu.max, else v1 cfs quota/period); undefined when unlimited. */
export function cgroupCpuQuota(): number | undefined {
  const group = cpuCgroup();
  return group ? quotaOf(group) : undefined;
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
