import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { delimiter } from 'node:path';
import type { Audit } from '@perf/core';
import pidusage from 'pidusage';
import { readCgroupCurrent, resetCgroupPeak } from './cgroup.js';
import { coresAvailable } from './cores.js';
import { JobRecorder } from './jobRecorder.js';
import { signalTree, type Termination, terminateTree } from './killTree.js';
import { resolveThresholds } from './mlJob.js';
import { packageRoot } from './packageRoot.js';
import { ProcessTree } from './processTree.js';
import { hasProcfs } from './procfs.js';
import { DEFAULT_MAX_LINE_BYTES, PROTOCOL_FD_ENV, type ProtocolMessage, parseMessage } from './protocol.js';
import { protocolSplitter, stdoutSplitter, Tail } from './stdioDemux.js';
import { treePeak } from './treePeak.js';
import type { JobKind, JobResult, Thresholds } from './types.js';

/** Default sampling interval for child process trees (ms). */
export const DEFAULT_TREE_INTERVAL_MS = 100;

/** Options of runJob(). */
export interface RunJobOptions {
  /** Audit to record into; without one runJob still measures and returns the result. */
  audit?: Audit;
  /** Job name (ml.job.name). Default: the command's base name. */
  name?: string;
  /** Job kind (ml.job.kind). Default 'training'. */
  kind?: JobKind;
  cwd?: string;
  /** Environment of the child. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Write the child's stdout / stderr to ours (protocol lines removed). Default true. */
  passThrough?: boolean;
  /** Receives the child's stdout text (protocol lines removed). */
  onStdout?: (text: string) => void;
  /** Receives the child's stderr text. */
  onStderr?: (text: string) => void;
  /** Receives every valid protocol message. */
  onMessage?: (message: ProtocolMessage) => void;
  /** Which protocol channels to read: a dedicated fd, '@perf-ml ' stdout lines, both (default) or none. */
  protocol?: 'fd' | 'stdout' | 'both' | 'none';
  /** The dedicated protocol fd in the child (>= 3). Default 3; the child finds it in PERF_ML_FD. */
  protocolFd?: number;
  /** Longest protocol line accepted, in characters. Default 65 536. */
  maxLineBytes?: number;
  /** Process-tree sampling interval, ms. Default 100. */
  intervalMs?: number;
  /** Kill the whole tree after this many ms (SIGTERM, then SIGKILL after killGraceMs). */
  timeoutMs?: number;
  /** Kill the whole tree when its memory (summed RSS, or the cgroup's usage) exceeds this many bytes. */
  memoryLimitBytes?: number;
  /** Time between SIGTERM and SIGKILL, ms. Default 2 000. */
  killGraceMs?: number;
  /** Kill descendants still running when the main process exits. Default true (a job leaves no orphans). */
  killOrphans?: boolean;
  /** Worker processes / chains the job runs in parallel; >= 2 lets ml.poor-parallelism judge it. */
  parallelism?: number;
  /** Overrides of the finding thresholds. */
  thresholds?: Partial<Thresholds>;
  /**
   * A cgroup directory prepared by the caller (empty, writable cgroup.procs). The child joins it before
   * exec, and its memory.peak (v2) or memory.max_usage_in_bytes (v1) becomes the exact tree peak.
   */
  cgroup?: string;
  /** Prepend this package's root to PYTHONPATH so `import perf_ml` works. Default true. */
  pythonPath?: boolean;
}

/** One process of the tree in the result. */
export interface ProcessSummary {
  pid: number;
  ppid: number;
  comm: string;
  hwmBytes: number;
  cpuMs: number;
}

/** What runJob resolves with: the job result plus the child's outcome. */
export interface RunJobResult extends JobResult {
  command: string;
  args: string[];
  pid: number | undefined;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Why the child ended: on its own ('exit'), killed by us ('timeout', 'memory-limit'), or never started. */
  reason: 'exit' | 'timeout' | 'memory-limit' | 'spawn-error';
  /** Set when we killed the tree (timeout or memory ceiling). */
  killed?: Termination;
  /** Descendants still running after the main process exited, killed so none is orphaned. */
  orphansKilled: number;
  /** Processes of the tree (first 50 seen), with their exact per-process peak (VmHWM). */
  processes: ProcessSummary[];
  /** Processes seen in the tree in total. */
  processCount: number;
  protocol: { messages: number; malformed: number; malformedSamples: string[] };
  stdoutTail: string;
  stderrTail: string;
  /** Sampling ticks taken. */
  samples: number;
}

/** Jobs running now, killed if this process exits first so no job outlives its launcher. */
const running = new Set<{ pgid: number; tree: ProcessTree | undefined }>();
function killRunningOnExit(): void {
  for (const r of running) signalTree(r.tree, r.pgid, 'SIGKILL');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

function baseName(command: string): string {
  const parts = command.split(/[\\/]/);
  return parts[parts.length - 1] || command;
}

/**
 * Runs a child process (a PyMC fit, a scoring script) as an ML job: samples the whole process tree's CPU
 * and memory, reads exact peaks where the kernel keeps them, listens to the perf-ml line protocol, passes
 * stdout / stderr, exit code and signal through, and kills the whole tree on timeout or memory ceiling.
 * It never rejects for the child's sake: a crash, a timeout or a missing binary is a failed result.
 */
export async function runJob(
  command: string,
  args: readonly string[] = [],
  options: RunJobOptions = {},
): Promise<RunJobResult> {
  const audit = options.audit;
  const name = options.name ?? baseName(command);
  const kind = options.kind ?? 'training';
  const rec = new JobRecorder(
    audit,
    name,
    kind,
    resolveThresholds(options.thresholds, options.memoryLimitBytes),
  );
  const intervalMs = options.intervalMs ?? DEFAULT_TREE_INTERVAL_MS;
  const graceMs = options.killGraceMs ?? 2000;
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const protocol = options.protocol ?? 'both';
  const fd = Math.max(3, Math.floor(options.protocolFd ?? 3));
  const useFd = protocol === 'fd' || protocol === 'both';
  const useStdout = protocol === 'stdout' || protocol === 'both';
  const passThrough = options.passThrough ?? true;
  const procfs = hasProcfs();

  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), PERF_ML_JOB: name };
  if (useFd) env[PROTOCOL_FD_ENV] = String(fd);
  else delete env[PROTOCOL_FD_ENV];
  if (options.pythonPath ?? true) {
    env.PYTHONPATH = env.PYTHONPATH ? `${packageRoot}${delimiter}${env.PYTHONPATH}` : packageRoot;
  }

  let file = command;
  let argv = [...args];
  if (options.cgroup) {
    resetCgroupPeak(options.cgroup);
    // Join the cgroup from inside the child before exec, so every byte the job touches is charged to it.
    file = '/bin/sh';
    argv = [
      '-c',
      'echo $$ > "$1/cgroup.procs" || { echo "perf-ml: cannot join cgroup $1" >&2; exit 125; }; shift; exec "$@"',
      'perf-ml',
      options.cgroup,
      command,
      ...args,
    ];
  }

  const stdio: StdioOptions = ['ignore', 'pipe', 'pipe'];
  if (useFd) {
    while (stdio.length < fd) stdio.push('ignore');
    stdio.push('pipe');
  }

  const stdoutTail = new Tail();
  const stderrTail = new Tail();
  let messages = 0;
  let malformed = 0;
  const malformedSamples: string[] = [];
  const sink = {
    message(line: string) {
      const msg = parseMessage(line);
      if (!msg) return sink.malformed(line);
      messages++;
      rec.apply(msg, performance.now());
      if (options.onMessage) {
        const cb = options.onMessage;
        safeCall(audit, () => cb(msg));
      }
    },
    malformed(sample: string) {
      malformed++;
      if (malformedSamples.length < 5) malformedSamples.push(sample.slice(0, 200));
    },
  };
  const out = (text: string) => {
    stdoutTail.push(text);
    if (passThrough) process.stdout.write(text);
    if (options.onStdout) {
      const cb = options.onStdout;
      safeCall(audit, () => cb(text));
    }
  };
  const err = (text: string) => {
    stderrTail.push(text);
    if (passThrough) process.stderr.write(text);
    if (options.onStderr) {
      const cb = options.onStderr;
      safeCall(audit, () => cb(text));
    }
  };

  const started = performance.now();
  let child: ChildProcess;
  try {
    child = spawn(file, argv, { cwd: options.cwd, env, stdio, detached: true });
  } catch (e) {
    return spawnFailure(rec, command, args, e, started, intervalMs);
  }

  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (e) => resolve(e));
  });
  if (spawnError || child.pid === undefined) {
    return spawnFailure(rec, command, args, spawnError ?? new Error('no pid'), started, intervalMs);
  }
  const pid = child.pid;
  // Later 'error' events (a failed signal, a broken pipe) must never become an uncaught exception in the host.
  child.on('error', () => {});
  child.stdout?.on('error', () => {});
  child.stderr?.on('error', () => {});
  const tree = procfs ? new ProcessTree(pid) : undefined;
  const entry = { pgid: pid, tree };
  if (running.size === 0) process.on('exit', killRunningOnExit);
  running.add(entry);

  const stdoutLines = stdoutSplitter(maxLine, useStdout, sink, out);
  child.stdout?.on('data', (c: Buffer) => stdoutLines.push(c));
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => err(c));
  const protoStream = useFd ? child.stdio[fd] : undefined;
  const protoLines = protocolSplitter(maxLine, sink);
  if (protoStream && 'on' in protoStream) {
    protoStream.on('data', (c: Buffer) => protoLines.push(c));
    protoStream.on('error', () => {});
  }
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

  // Sampling state.
  let sampledPeak = 0;
  let peakCores = 0;
  let samples = 0;
  let lastCpu = 0;
  let lastAt = performance.now();
  let fallbackCpu = 0;
  let reason = 'exit' as RunJobResult['reason'];
  let killing: Promise<Termination> | undefined;
  let exited = false;

  const kill = (why: 'timeout' | 'memory-limit') => {
    if (killing || exited) return;
    reason = why;
    killing = terminateTree(tree, pid, graceMs);
  };

  const tick = () => {
    samples++;
    const now = performance.now();
    if (tree) {
      const s = tree.scan();
      if (s.rssBytes > sampledPeak) sampledPeak = s.rssBytes;
      const dt = now - lastAt;
      if (dt > 0 && samples > 1) {
        const cores = (s.cpuMs - lastCpu) / dt;
        if (cores > peakCores) peakCores = cores;
      }
      lastCpu = s.cpuMs;
      lastAt = now;
      const current = options.cgroup ? (readCgroupCurrent(options.cgroup) ?? s.rssBytes) : s.rssBytes;
      if (options.memoryLimitBytes !== undefined && current > options.memoryLimitBytes) kill('memory-limit');
    } else {
      // Without /proc (macOS, Windows) pidusage reads the main process only.
      pidusage(pid, (e, stat) => {
        if (e || !stat) return;
        if (stat.memory > sampledPeak) sampledPeak = stat.memory;
        fallbackCpu = Math.max(fallbackCpu, stat.ctime);
        if (options.memoryLimitBytes !== undefined && stat.memory > options.memoryLimitBytes)
          kill('memory-limit');
      });
    }
  };
  tick();
  const sampler = setInterval(tick, intervalMs);
  sampler.unref();
  const timeout =
    options.timeoutMs !== undefined
      ? setTimeout(() => kill('timeout'), Math.max(0, options.timeoutMs))
      : undefined;
  timeout?.unref();

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
    } else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  exited = true;
  const durationMs = performance.now() - started;
  clearInterval(sampler);
  if (timeout) clearTimeout(timeout);

  const killed = killing ? await killing : undefined;
  // Descendants outliving the main process would be orphans: take them down with the job.
  let orphansKilled = 0;
  if (tree) {
    tree.scan();
    const left = tree.live();
    if (left.length > 0 && (options.killOrphans ?? true)) {
      orphansKilled = left.length;
      await terminateTree(tree, pid, graceMs);
    }
  }
  if (options.killOrphans ?? true) signalTree(undefined, pid, 'SIGKILL');
  running.delete(entry);
  if (running.size === 0) process.removeListener('exit', killRunningOnExit);
  if (!procfs) pidusage.clear();

  // Let the pipes drain; a grandchild holding them open must not hold the result forever.
  await Promise.race([closed, sleep(500)]);
  for (const s of [child.stdout, child.stderr, protoStream]) {
    if (s && 'destroy' in s) s.destroy();
  }
  stdoutLines.end();
  protoLines.end();
  rec.closeOpenPhases(performance.now());

  const memory = treePeak(tree, sampledPeak, intervalMs, options.cgroup, procfs);
  const cpuMs = tree ? tree.cpuMs() : fallbackCpu;
  const ok = reason === 'exit' && exit.code === 0;
  const error = ok
    ? undefined
    : reason === 'timeout'
      ? `timed out after ${options.timeoutMs} ms; process tree killed with ${killed?.signal ?? 'SIGTERM'}`
      : reason === 'memory-limit'
        ? `memory ceiling of ${options.memoryLimitBytes} bytes exceeded; process tree killed with ${killed?.signal ?? 'SIGTERM'}`
        : exit.signal
          ? `killed by ${exit.signal}`
          : `exited with code ${exit.code}`;

  const base = rec.finish({
    status: ok ? 'ok' : 'failed',
    ...(error !== undefined ? { error } : {}),
    durationMs,
    cpuMs,
    cpuHow: 'sampled',
    cores: coresAvailable(),
    peakCores,
    memory,
    ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}),
    failure: {
      reason,
      exitCode: exit.code,
      signal: exit.signal,
      stderrTail: stderrTail.toString().slice(-1000),
    },
    malformedLines: malformed,
  });
  const all = tree?.all() ?? [];
  return {
    ...base,
    command,
    args: [...args],
    pid,
    exitCode: exit.code,
    signal: exit.signal,
    reason,
    ...(killed ? { killed } : {}),
    orphansKilled,
    processes: all
      .slice(0, 50)
      .map((p) => ({ pid: p.pid, ppid: p.ppid, comm: p.comm, hwmBytes: p.hwmBytes, cpuMs: p.cpuMs })),
    processCount: all.length,
    protocol: { messages, malformed, malformedSamples },
    stdoutTail: stdoutTail.toString(),
    stderrTail: stderrTail.toString(),
    samples,
  };
}

function safeCall(audit: Audit | undefined, fn: () => void): void {
  if (audit) {
    audit.safely('ml', fn);
    return;
  }
  try {
    fn();
  } catch {
    // A callback's fault must not stop the job's measurement.
  }
}

function spawnFailure(
  rec: JobRecorder,
  command: string,
  args: readonly string[],
  e: unknown,
  started: number,
  intervalMs: number,
): RunJobResult {
  const message = e instanceof Error ? e.message : String(e);
  const base = rec.finish({
    status: 'failed',
    error: `could not start: ${message}`,
    durationMs: performance.now() - started,
    cpuMs: 0,
    cpuHow: 'exact',
    cores: coresAvailable(),
    peakCores: 0,
    memory: { peakBytes: 0, how: 'sampled', source: 'not started', sampledPeakBytes: 0, intervalMs },
    failure: { reason: 'spawn-error', error: message },
  });
  return {
    ...base,
    command,
    args: [...args],
    pid: undefined,
    exitCode: null,
    signal: null,
    reason: 'spawn-error',
    orphansKilled: 0,
    processes: [],
    processCount: 0,
    protocol: { messages: 0, malformed: 0, malformedSamples: [] },
    stdoutTail: '',
    stderrTail: '',
    samples: 0,
  };
}
