import type { ProcessTree } from './processTree.js';
import { isAlive } from './procfs.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** Sends sig to the job's process group and to every live descendant we know (some may have left the group). */
export function signalTree(
  tree: ProcessTree | undefined,
  pgid: number | undefined,
  sig: NodeJS.Signals,
): number[] {
  const hit: number[] = [];
  if (pgid !== undefined && pgid > 1) signal(-pgid, sig);
  for (const p of tree?.live() ?? []) {
    // Re-check identity right before signalling: the pid may have been reused since the last scan.
    if (isAlive(p.pid, p.startTime) && signal(p.pid, sig)) hit.push(p.pid);
  }
  return hit;
}

/** What terminateTree did. */
export interface Termination {
  /** The last signal that had to be sent. */
  signal: 'SIGTERM' | 'SIGKILL';
  /** Pids signalled (direct signals; group members are signalled through the group as well). */
  pids: number[];
  /** True when every known process was gone at the end. */
  complete: boolean;
}

/**
 * SIGTERM to the whole tree, then SIGKILL after graceMs to whatever is left. The tree is rescanned while
 * waiting so a child forked during shutdown is caught too.
 */
export async function terminateTree(
  tree: ProcessTree | undefined,
  pgid: number | undefined,
  graceMs: number,
  pollMs = 25,
): Promise<Termination> {
  tree?.scan();
  const pids = new Set(signalTree(tree, pgid, 'SIGTERM'));
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    await sleep(pollMs);
    if (!tree || tree.scan().live === 0) return { signal: 'SIGTERM', pids: [...pids], complete: true };
  }
  for (const pid of signalTree(tree, pgid, 'SIGKILL')) pids.add(pid);
  const killDeadline = performance.now() + 2000;
  while (performance.now() < killDeadline) {
    await sleep(pollMs);
    if (!tree || tree.scan().live === 0) return { signal: 'SIGKILL', pids: [...pids], complete: true };
    for (const pid of signalTree(tree, pgid, 'SIGKILL')) pids.add(pid);
  }
  return { signal: 'SIGKILL', pids: [...pids], complete: false };
}
