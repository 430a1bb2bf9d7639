import { readFileSync } from 'node:fs';

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** Where the process's CPU controller lives and which cgroup version it is. */
export interface CpuCgroup {
  dir: string;
  version: 1 | 2;
}

/**
 * The directory of this process's cgroup for the CPU controller: v1's `cpu` hierarchy where it is mounted
 * (these machines mount v1's cpu controller beside a v2 hierarchy), else the v2 one. Resolved from
 * /proc/self/cgroup against /proc/self/mountinfo, so a nested cgroup (a container, a CPU-limited child group)
 * reads its own files, not the root's.
 */
export function cpuCgroup(proc = '/proc/self'): CpuCgroup | undefined {
  const groups = read(`${proc}/cgroup`);
  const mounts = read(`${proc}/mountinfo`);
  if (!groups || !mounts) return undefined;
  let v1: string | undefined;
  let v2: string | undefined;
  for (const line of groups.split('\n')) {
    const [id, controllers, path] = line.split(':', 3) as [string, string, string];
    if (path === undefined) continue;
    if (id === '0' && controllers === '') v2 = path;
    else if (controllers.split(',').includes('cpu')) v1 = path;
  }
  for (const line of mounts.split('\n')) {
    // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 0) continue;
    const root = fields[3] ?? '/';
    const point = fields[4] ?? '';
    const fstype = fields[dash + 1];
    const superOptions = (fields[dash + 3] ?? '').split(',');
    const at = (path: string) =>
      root === '/'
        ? `${point}${path === '/' ? '' : path}`
        : path.startsWith(root)
          ? point + path.slice(root.length)
          : point;
    if (v1 !== undefined && fstype === 'cgroup' && superOptions.includes('cpu'))
      return { dir: at(v1), version: 1 };
    if (v1 === undefined && v2 !== undefined && fstype === 'cgroup2') return { dir: at(v2), version: 2 };
  }
  return undefined;
}

/** The cgroup's CPU quota in CPUs (v2 cpu.max, v1 cfs_quota_us / cfs_period_us); undefined when unlimited. */
export function quotaOf(group: CpuCgroup): number | undefined {
  if (group.version === 2) {
    const [quota, period] = (read(`${group.dir}/cpu.max`) ?? '').split(/\s+/);
    const q = Number(quota) / Number(period);
    return quota !== 'max' && q > 0 && Number.isFinite(q) ? q : undefined;
  }
  const q = Number(read(`${group.dir}/cpu.cfs_quota_us`)) / Number(read(`${group.dir}/cpu.cfs_period_us`));
  return q > 0 && Number.isFinite(q) ? q : undefined;
}

/** Throttling so far: periods throttled and the time the cgroup spent throttled, ms. */
export interface Throttling {
  periods: number;
  throttledMs: number;
}

/** The cgroup's cumulative throttling (`cpu.stat`: throttled_time in ns on v1, throttled_usec on v2). */
export function throttlingOf(group: CpuCgroup): Throttling | undefined {
  const stat = read(`${group.dir}/cpu.stat`);
  if (!stat) return undefined;
  let periods = 0;
  let throttledMs = 0;
  for (const line of stat.split('\n')) {
    const [k, v] = line.split(' ');
    const n = Number(v);
    if (!Number.isFinite(n)) continue;
    if (k === 'nr_throttled') periods = n;
    else if (k === 'throttled_time') throttledMs = n / 1e6;
    else if (k === 'throttled_usec') throttledMs = n / 1e3;
  }
  return { periods, throttledMs };
}
