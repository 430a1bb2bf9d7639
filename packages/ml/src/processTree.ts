import { listPids, readMemory, readStat } from './procfs.js';

/** Processes tracked per job; a fork bomb beyond this is still killed through the process group. */
export const MAX_TREE_PROCESSES = 4096;

/** One process of a job's tree as last seen. */
export interface TreeProcess {
  pid: number;
  ppid: number;
  comm: string;
  startTime: number;
  alive: boolean;
  /** Own user + system CPU, ms, as last read. */
  cpuMs: number;
  /** CPU of its reaped children, ms, as last read. */
  childrenCpuMs: number;
  rssBytes: number;
  /** Highest VmHWM read while it lived: its exact peak up to the last read. */
  hwmBytes: number;
}

/** One sampling tick over the whole tree. */
export interface TreeSample {
  /** Sum of RSS of the live processes at this instant. */
  rssBytes: number;
  /** Tree CPU time so far (a lower bound, see cpuMs()). */
  cpuMs: number;
  live: number;
}

/**
 * Follows a process and every descendant (children, grandchildren, re-parented orphans) by scanning
 * /proc/<pid>/stat parent links; /proc/<pid>/task/<tid>/children needs CONFIG_PROC_CHILDREN, which many
 * kernels (this one included) lack. Processes are identified by pid + start time, so a reused pid is never
 * mistaken for a member.
 */
export class ProcessTree {
  private readonly members = new Map<number, TreeProcess>();
  /** Pids seen and found not to belong, with their start time, so each is read once. */
  private readonly outsiders = new Map<number, number>();
  /** Dead members whose pid was reused by a new member; kept for CPU and peak accounting. */
  private readonly departed: TreeProcess[] = [];
  private cpuTotal = 0;
  dropped = 0;

  /** Start time of the root; with a detached spawn the root's pid is also the job's process group id. */
  private readonly rootStart: number | undefined;

  constructor(readonly rootPid: number) {
    const s = readStat(rootPid);
    this.rootStart = s?.startTime;
    if (s) this.add(s);
  }

  private add(s: NonNullable<ReturnType<typeof readStat>>): TreeProcess | undefined {
    if (this.members.size + this.departed.length >= MAX_TREE_PROCESSES) {
      this.dropped++;
      return undefined;
    }
    const p: TreeProcess = {
      pid: s.pid,
      ppid: s.ppid,
      comm: s.comm,
      startTime: s.startTime,
      alive: s.state !== 'Z' && s.state !== 'X',
      cpuMs: s.cpuMs,
      childrenCpuMs: s.childrenCpuMs,
      rssBytes: 0,
      hwmBytes: 0,
    };
    const old = this.members.get(s.pid);
    if (old) this.departed.push(old);
    this.members.set(s.pid, p);
    this.readMemory(p);
    return p;
  }

  private readMemory(p: TreeProcess): void {
    const m = readMemory(p.pid);
    if (!m) {
      p.rssBytes = 0;
      return;
    }
    p.rssBytes = m.rssBytes;
    if (m.hwmBytes > p.hwmBytes) p.hwmBytes = m.hwmBytes;
  }

  /** Rescans /proc: refreshes members, adopts new descendants, marks the dead. */
  scan(): TreeSample {
    const pids = listPids();
    const present = new Set(pids);
    for (const pid of this.outsiders.keys()) if (!present.has(pid)) this.outsiders.delete(pid);

    for (const p of this.members.values()) {
      if (!p.alive) continue;
      const s = readStat(p.pid);
      if (!s || s.startTime !== p.startTime || s.state === 'Z' || s.state === 'X') {
        p.alive = false;
        p.rssBytes = 0;
        continue;
      }
      p.ppid = s.ppid;
      p.cpuMs = s.cpuMs;
      p.childrenCpuMs = s.childrenCpuMs;
      this.readMemory(p);
    }

    const fresh: NonNullable<ReturnType<typeof readStat>>[] = [];
    for (const pid of pids) {
      const known = this.members.get(pid);
      if (known?.alive) continue;
      if (this.outsiders.has(pid) && !known) continue;
      const s = readStat(pid);
      if (!s) continue;
      if (known && known.startTime === s.startTime) continue;
      fresh.push(s);
    }
    // Fixpoint: a new grandchild's parent may itself be new in this scan.
    let adopted = true;
    while (adopted && fresh.length) {
      adopted = false;
      for (let i = fresh.length - 1; i >= 0; i--) {
        const s = fresh[i]!;
        const parent = this.members.get(s.ppid);
        // Members of the job's process group belong to it even when their parent exited before we saw them.
        const inGroup =
          s.pgid === this.rootPid && this.rootStart !== undefined && s.startTime >= this.rootStart;
        if ((parent?.alive && parent.startTime <= s.startTime) || inGroup) {
          this.add(s);
          fresh.splice(i, 1);
          adopted = true;
        }
      }
    }
    for (const s of fresh) if (!this.members.has(s.pid)) this.outsiders.set(s.pid, s.startTime);

    let rss = 0;
    let live = 0;
    let own = 0;
    let withChildren = 0;
    for (const p of this.departed) own += p.cpuMs;
    for (const p of this.members.values()) {
      own += p.cpuMs;
      if (!p.alive) continue;
      live++;
      rss += p.rssBytes;
      withChildren += p.cpuMs + p.childrenCpuMs;
    }
    // Both sums are lower bounds (a process's last interval before it exits is never read); keep the larger.
    this.cpuTotal = Math.max(this.cpuTotal, own, withChildren);
    return { rssBytes: rss, cpuMs: this.cpuTotal, live };
  }

  cpuMs(): number {
    return this.cpuTotal;
  }

  /** Members still alive, for signalling. */
  live(): TreeProcess[] {
    return [...this.members.values()].filter((p) => p.alive);
  }

  /** Every process ever seen in the tree. */
  all(): TreeProcess[] {
    return [...this.departed, ...this.members.values()];
  }
}
