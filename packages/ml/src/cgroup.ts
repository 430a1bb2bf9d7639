import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the machine's cgroup setup offers for measuring a job (see docs/ml.md for what we found). */
export interface CgroupInfo {
  version: 1 | 2 | 'none';
  /** The memory cgroup this process is in, as a /sys/fs/cgroup path. */
  memoryPath?: string;
  /** CPU quota in cores (cpu.max or cfs_quota/cfs_period), when one is set. */
  cpuQuotaCores?: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** cgroup membership lines of a process: hierarchy-id:controllers:path. */
function membership(pid: number | 'self'): Map<string, string> {
  const out = new Map<string, string>();
  const text = read(`/proc/${pid}/cgroup`);
  if (!text) return out;
  for (const line of text.split('\n')) {
    const [, controllers = '', path = ''] = line.split(':');
    for (const c of controllers.split(',')) out.set(c, path);
  }
  return out;
}

/** Detects cgroup v2 (unified) or v1 (per-controller) and the current process's memory cgroup and CPU quota. */
export function detectCgroup(pid: number | 'self' = 'self'): CgroupInfo {
  if (process.platform !== 'linux') return { version: 'none' };
  const groups = membership(pid);
  if (read('/sys/fs/cgroup/cgroup.controllers') !== undefined) {
    const path = join('/sys/fs/cgroup', groups.get('') ?? '/');
    const info: CgroupInfo = { version: 2, memoryPath: path };
    const max = read(join(path, 'cpu.max'))?.split(' ');
    if (max && max[0] !== 'max') info.cpuQuotaCores = Number(max[0]) / Number(max[1]);
    return info;
  }
  const memory = groups.get('memory');
  if (memory === undefined) return { version: 'none' };
  const info: CgroupInfo = { version: 1, memoryPath: join('/sys/fs/cgroup/memory', memory) };
  const cpuDir = join('/sys/fs/cgroup/cpu', groups.get('cpu') ?? '/');
  const quota = Number(read(join(cpuDir, 'cpu.cfs_quota_us')));
  const period = Number(read(join(cpuDir, 'cpu.cfs_period_us')));
  if (quota > 0 && period > 0) info.cpuQuotaCores = quota / period;
  return info;
}

/**
 * The exact peak memory charged to a cgroup: memory.peak (v2) or memory.max_usage_in_bytes (v1). Both count
 * page cache as well as anonymous memory, and cover every process that ever ran in the group.
 */
export function readCgroupPeak(dir: string): number | undefined {
  const v = read(join(dir, 'memory.peak')) ?? read(join(dir, 'memory.max_usage_in_bytes'));
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) ? n : undefined;
}

/** Current memory charged to a cgroup (memory.current v2, memory.usage_in_bytes v1). */
export function readCgroupCurrent(dir: string): number | undefined {
  const v = read(join(dir, 'memory.current')) ?? read(join(dir, 'memory.usage_in_bytes'));
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) ? n : undefined;
}

/** Resets a cgroup's peak before a job (v2 memory.peak since Linux 6.12, v1 max_usage_in_bytes). */
export function resetCgroupPeak(dir: string): void {
  for (const [file, value] of [
    ['memory.peak', 'reset'],
    ['memory.max_usage_in_bytes', '0'],
  ] as const) {
    try {
      writeFileSync(join(dir, file), value);
    } catch {
      // Older kernels cannot reset memory.peak; a fresh cgroup starts at zero anyway.
    }
  }
}
