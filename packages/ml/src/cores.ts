import { availableParallelism } from 'node:os';
import { detectCgroup } from './cgroup.js';

/** The denominator of parallel efficiency: how many cores the job could have used. */
export interface CoresAvailable {
  cores: number;
  source: 'os.availableParallelism' | 'cgroup cpu quota';
}

let cached: CoresAvailable | undefined;

/** min(os.availableParallelism(), cgroup CPU quota), read once per process. */
export function coresAvailable(): CoresAvailable {
  if (cached) return cached;
  const os = availableParallelism();
  let quota: number | undefined;
  try {
    quota = detectCgroup().cpuQuotaCores;
  } catch {
    quota = undefined;
  }
  cached =
    quota !== undefined && quota > 0 && quota < os
      ? { cores: quota, source: 'cgroup cpu quota' }
      : { cores: os, source: 'os.availableParallelism' };
  return cached;
}
