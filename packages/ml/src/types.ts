import type { CoresAvailable } from './cores.js';
import type { ConvergenceDiagnostics } from './protocol.js';

/** What a job does; it picks the duration threshold (inference 5 s, training 30 min). */
export type JobKind = 'training' | 'inference' | 'batch';

/** Limits the findings use; defaults are the audit's ML targets and PyMC's convergence checks. */
export interface Thresholds {
  /** ml.slow-inference above this wall time (ms). Default 5 000. */
  slowInferenceMs: number;
  /** ml.slow-training above this wall time (ms). Default 30 min. */
  slowTrainingMs: number;
  /** ml.memory above this peak (bytes). Default 16 GiB; a job's memory ceiling replaces it. */
  memoryBytes: number;
  /** ml.low-throughput below this many items per hour. Default 1 000. */
  minItemsPerHour: number;
  /** ml.not-converged when max R-hat exceeds this. Default 1.01. */
  maxRHat: number;
  /** ml.not-converged when bulk ESS per chain falls below this. Default 100. */
  minEssPerChain: number;
  /** ml.not-converged when post-tuning divergences exceed this. Default 0. */
  maxDivergences: number;
  /** ml.poor-parallelism when CPU / (wall x cores available) is below this. Default 0.5. */
  minEfficiency: number;
  /** ml.poor-parallelism only for jobs at least this long (ms), so start-up noise is not judged. Default 1 000. */
  minParallelWallMs: number;
}

/** The audit's ML targets and PyMC's convergence thresholds. */
export const DEFAULT_THRESHOLDS: Thresholds = {
  slowInferenceMs: 5_000,
  slowTrainingMs: 30 * 60_000,
  memoryBytes: 16 * 1024 ** 3,
  minItemsPerHour: 1_000,
  maxRHat: 1.01,
  minEssPerChain: 100,
  maxDivergences: 0,
  minEfficiency: 0.5,
  minParallelWallMs: 1_000,
};

/** Peak memory of a job and how it was obtained. */
export interface MemoryPeak {
  /** The value written to ml.job.memory.peak. */
  peakBytes: number;
  /** 'exact' when a kernel high-water mark (VmHWM after reset, cgroup peak) covers the job; else 'sampled'. */
  how: 'exact' | 'sampled';
  /** Where peakBytes comes from, in words. */
  source: string;
  /** Highest RSS (process tree: summed at one instant) seen by the interval sampler. */
  sampledPeakBytes: number;
  /** VmHWM of the process (in-process jobs) or the highest VmHWM of one process in the tree. */
  hwmBytes?: number;
  /** Sum of every tree process's VmHWM: the tree can never have used more than this. */
  upperBoundBytes?: number;
  /** memory.peak / memory.max_usage_in_bytes of the job's cgroup, when it ran in one. */
  cgroupPeakBytes?: number;
  intervalMs: number;
}

/** One timed phase of a job. */
export interface PhaseRecord {
  name: string;
  durationMs: number;
  /** False when the phase threw (in-process) or the child said ok=false. */
  ok: boolean;
  /** False for a phase the child started but never ended before it exited. */
  complete: boolean;
}

/** Summary of one job.batch() call. */
export interface BatchSummary {
  items: number;
  failed: number;
  durationMs: number;
  itemsPerHour: number;
  concurrency: number;
  /** Items whose duration was measured; with timingStride > 1 each stands for timingStride items. */
  timedItems: number;
  /** 1 when every item was timed; N when one item in N was (items shorter than ~100 clock reads). */
  timingStride: number;
}

/** What a finished job reports (also what mlJob hands to onResult). */
export interface JobResult {
  name: string;
  kind: JobKind;
  status: 'ok' | 'failed';
  /** Why it failed: the error message, or the exit code / signal / timeout of a child. */
  error?: string;
  durationMs: number;
  /** CPU time (user + system) of the process or the whole process tree, ms. */
  cpuMs: number;
  /** 'exact' for process.cpuUsage deltas, 'sampled' for a child tree read from /proc at an interval. */
  cpuHow: 'exact' | 'sampled';
  cores: CoresAvailable;
  /** cpuMs / (durationMs x cores.cores), 0..1. */
  efficiency: number;
  /** Highest CPU rate seen in one sampling interval, in cores. */
  peakCores: number;
  memory: MemoryPeak;
  phases: PhaseRecord[];
  /** Phases dropped beyond the per-job bound (they still reach the histogram). */
  droppedPhases: number;
  diagnostics?: ConvergenceDiagnostics;
  progress?: { done: number; total?: number };
  /** Items per hour: from the last batch, or as the child reported it. */
  throughputPerHour?: number;
  batches: BatchSummary[];
  /** Rule ids of the findings this job raised. */
  findings: string[];
}
