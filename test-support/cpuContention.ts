import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { isCI } from './services.js';

const V1_CPU = '/sys/fs/cgroup/cpu';

/** A cgroup of the v1 cpu controller made for one test, removed by `remove()`. */
export interface TestCgroup {
  dir: string;
  /** Moves a process into it. */
  add(pid: number): void;
  remove(): void;
}

/**
 * Makes a v1 cpu cgroup (these machines mount v1's cpu controller), or says why not: a user's machine without
 * root or without that hierarchy gets a clear skip line; under CI=true it fails the run.
 */
export function makeCpuCgroup(
  name: string,
  settings: Record<string, string | number>,
): TestCgroup | undefined {
  const dir = `${V1_CPU}/${name}-${process.pid}`;
  try {
    if (!existsSync(`${V1_CPU}/cgroup.procs`)) throw new Error(`no cgroup v1 cpu hierarchy at ${V1_CPU}`);
    mkdirSync(dir, { recursive: true });
    for (const [file, value] of Object.entries(settings)) writeFileSync(`${dir}/${file}`, String(value));
  } catch (err) {
    const why = `cannot make a CPU cgroup (${(err as Error).message}); it needs root and cgroup v1's cpu controller`;
    if (isCI) throw new Error(`CI=true requires CPU cgroups: ${why}`);
    console.warn(`\n[perf-audit tests] SKIPPING the CPU starvation suite: ${why}\n`);
    return undefined;
  }
  return {
    dir,
    add(pid) {
      writeFileSync(`${dir}/cgroup.procs`, String(pid));
    },
    remove() {
      // Move anything left back to the root group, then delete the group.
      try {
        for (const pid of readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean))
          writeFileSync(`${V1_CPU}/cgroup.procs`, pid);
      } catch {}
      try {
        rmdirSync(dir);
      } catch {}
    },
  };
}

/**
 * Host contention for one process, confined so that the rest of the test run is not starved with it: the
 * process and `loops` busy loops are pinned to one CPU (taskset) inside a cgroup with a tiny cpu.shares, so
 * they fight each other for that core (each gets about 1/(loops+1) of it, with no quota: contention, not
 * throttling) while other test processes on that core keep their share. The loops end by themselves after
 * `seconds`.
 */
export function contend(pid: number, seconds: number, loops = 4, cpu = 0): { stop(): void } | undefined {
  const group = makeCpuCgroup('perf-audit-contend', { 'cpu.shares': 16 });
  if (!group) return undefined;
  execFileSync('taskset', ['-pc', String(cpu), String(pid)], { stdio: 'ignore' });
  group.add(pid);
  const busy: ChildProcess[] = [];
  for (let i = 0; i < loops; i++) {
    // The shell joins the group before it execs, so the loop it forks starts inside it.
    const script = `echo $$ > ${group.dir}/cgroup.procs && exec taskset -c ${cpu} timeout ${seconds} sh -c 'while :; do :; done'`;
    busy.push(spawn('sh', ['-c', script], { stdio: 'ignore' }));
  }
  return {
    stop() {
      for (const p of busy) p.kill('SIGKILL');
      // `timeout` runs the shell as its child: kill whatever is left in the group except the app.
      try {
        for (const other of readFileSync(`${group.dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean))
          if (Number(other) !== pid) process.kill(Number(other), 'SIGKILL');
      } catch {}
      group.remove();
    },
  };
}
