import { readCgroupPeak } from './cgroup.js';
import type { ProcessTree } from './processTree.js';
import type { MemoryPeak } from './types.js';

/** Picks the job's peak: cgroup (exact) > one process's VmHWM (exact) > the tree's sampled peak. */
export function treePeak(
  tree: ProcessTree | undefined,
  sampledPeak: number,
  intervalMs: number,
  cgroup: string | undefined,
  procfs: boolean,
): MemoryPeak {
  const all = tree?.all() ?? [];
  const maxHwm = all.reduce((m, p) => Math.max(m, p.hwmBytes), 0);
  const sumHwm = all.reduce((s, p) => s + p.hwmBytes, 0);
  const cgroupPeak = cgroup ? readCgroupPeak(cgroup) : undefined;
  const common = {
    sampledPeakBytes: sampledPeak,
    ...(all.length ? { hwmBytes: maxHwm, upperBoundBytes: sumHwm } : {}),
    ...(cgroupPeak !== undefined ? { cgroupPeakBytes: cgroupPeak } : {}),
    intervalMs,
  };
  if (cgroupPeak !== undefined) {
    return { peakBytes: cgroupPeak, how: 'exact', source: `cgroup memory peak of ${cgroup}`, ...common };
  }
  if (all.length === 1 && maxHwm > 0) {
    return {
      peakBytes: Math.max(maxHwm, sampledPeak),
      how: 'exact',
      source: `VmHWM of the single job process (/proc/<pid>/status), last read at most ${intervalMs} ms before exit`,
      ...common,
    };
  }
  return {
    peakBytes: Math.max(sampledPeak, maxHwm),
    how: 'sampled',
    source: procfs
      ? `summed RSS of the process tree (${all.length} processes) sampled every ${intervalMs} ms; ` +
        'the sum of per-process VmHWM is the upper bound'
      : `pidusage RSS of the main process sampled every ${intervalMs} ms`,
    ...common,
  };
}
