import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Linux reports CPU times in /proc in USER_HZ ticks; the kernel ABI fixes USER_HZ at 100 on every
 * architecture Node supports, so we do not spawn `getconf CLK_TCK` for it.
 */
export const CLOCK_TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat this package uses. */
export interface ProcStat {
  pid: number;
  comm: string;
  /** R, S, D, Z (zombie), X (dead), T ... */
  state: string;
  ppid: number;
  pgid: number;
  /** User + system CPU of the process itself, ms. */
  cpuMs: number;
  /** User + system CPU of its waited-for (reaped) children, ms. */
  childrenCpuMs: number;
  /** Start time in ticks since boot: with the pid, it identifies a process across pid reuse. */
  startTime: number;
}

/** The memory lines of /proc/<pid>/status, bytes. */
export interface ProcMemory {
  rssBytes: number;
  /** VmHWM: the exact resident high-water mark since start (or since a clear_refs reset). */
  hwmBytes: number;
}

export const hasProcfs = (): boolean =>
  process.platform === 'linux' && readText('/proc/self/stat') !== undefined;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/** Parses /proc/<pid>/stat; undefined when the process is gone. */
export function readStat(pid: number): ProcStat | undefined {
  const text = readText(`/proc/${pid}/stat`);
  if (!text) return undefined;
  // comm may hold spaces and parentheses: the fields after the LAST ')' are fixed.
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const comm = text.slice(text.indexOf('(') + 1, close);
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state) in proc(5) numbering, so field n is f[n - 3].
  const tick = 1000 / CLOCK_TICKS_PER_SECOND;
  return {
    pid,
    comm,
    state: f[0] ?? '?',
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    cpuMs: (Number(f[11]) + Number(f[12])) * tick,
    childrenCpuMs: (Number(f[13]) + Number(f[14])) * tick,
    startTime: Number(f[19]),
  };
}

/** Reads VmRSS and VmHWM from /proc/<pid>/status; undefined when gone or a zombie (no Vm lines). */
export function readMemory(pid: number | 'self'): ProcMemory | undefined {
  const text = readText(`/proc/${pid}/status`);
  if (!text) return undefined;
  const rss = /VmRSS:\s+(\d+) kB/.exec(text);
  const hwm = /VmHWM:\s+(\d+) kB/.exec(text);
  if (!rss || !hwm) return undefined;
  return { rssBytes: Number(rss[1]) * 1024, hwmBytes: Number(hwm[1]) * 1024 };
}

/** Pids of every process visible in /proc (thread-group leaders only, so no thread is counted twice). */
export function listPids(): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const n of names) {
    const c = n.charCodeAt(0);
    if (c >= 48 && c <= 57) pids.push(Number(n));
  }
  return pids;
}

/**
 * Resets this process's VmHWM to its current RSS (proc(5): writing 5 to clear_refs, Linux >= 4.0), so the
 * next VmHWM read is the exact peak since now. Returns false where the kernel or sandbox refuses.
 */
export function resetHighWaterMark(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** True while the process exists and is not a zombie (a zombie holds no memory and runs no code). */
export function isAlive(pid: number, startTime?: number): boolean {
  const s = readStat(pid);
  if (!s) return false;
  if (startTime !== undefined && s.startTime !== startTime) return false;
  return s.state !== 'Z' && s.state !== 'X';
}
