import type { Audit } from '@perf/core';
import { type BatchOptions, type BatchResult, runBatch } from './batch.js';
import { coresAvailable } from './cores.js';
import { JobRecorder } from './jobRecorder.js';
import type { ConvergenceDiagnostics } from './protocol.js';
import { DEFAULT_SELF_INTERVAL_MS, SelfSampler } from './selfSampler.js';
import { DEFAULT_THRESHOLDS, type JobKind, type JobResult, type Thresholds } from './types.js';

/** Options of mlJob(). */
export interface MlJobOptions {
  kind: JobKind;
  /** RSS / CPU sampling interval, ms. Default 100. */
  intervalMs?: number;
  /** Threads or workers the job runs in parallel; >= 2 makes low efficiency an ml.poor-parallelism finding. */
  parallelism?: number;
  /** Overrides of the finding thresholds. */
  thresholds?: Partial<Thresholds>;
  /** Memory ceiling for this job (bytes): replaces the 16 GiB threshold of ml.memory. */
  memoryLimitBytes?: number;
  /** Reset VmHWM at job start for an exact peak (Linux; skipped while another job runs). Default true. */
  resetHighWaterMark?: boolean;
  /** Receives the job's result (timings, CPU, peak memory, findings), also when the job throws. */
  onResult?: (result: JobResult) => void;
}

/** The handle a job function receives. */
export interface Job {
  readonly name: string;
  readonly kind: JobKind;
  /** Times fn as a named phase; phases may nest (each records its own inclusive wall time). */
  phase<R>(name: string, fn: () => R | Promise<R>): Promise<R>;
  /** Runs fn over items with bounded concurrency; results come back in input order. */
  batch<I, R>(
    items: readonly I[],
    fn: (item: I, index: number) => R | Promise<R>,
    options?: BatchOptions,
  ): Promise<BatchResult<R>>;
  /** Records convergence diagnostics (R-hat, bulk ESS, divergences, chains) of an in-process fit. */
  diagnostics(d: ConvergenceDiagnostics): void;
  /** Records progress (done of total). */
  progress(done: number, total?: number): void;
}

/** Merges threshold overrides and a job's memory ceiling into the thresholds a job is judged by. */
export function resolveThresholds(overrides?: Partial<Thresholds>, memoryLimitBytes?: number): Thresholds {
  return {
    ...DEFAULT_THRESHOLDS,
    ...overrides,
    ...(memoryLimitBytes !== undefined ? { memoryBytes: memoryLimitBytes } : {}),
  };
}

/**
 * Runs an in-process ML job (a fit, an inference call, a batch scoring run) and records its wall time,
 * phases, CPU time, parallel efficiency and peak memory into the audit. The job's own errors propagate to
 * the caller unchanged; the job is still recorded, as failed.
 */
export async function mlJob<T>(
  audit: Audit | undefined,
  name: string,
  options: MlJobOptions,
  fn: (job: Job) => T | Promise<T>,
): Promise<T> {
  const rec = new JobRecorder(
    audit,
    name,
    options.kind,
    resolveThresholds(options.thresholds, options.memoryLimitBytes),
  );
  const intervalMs = options.intervalMs ?? DEFAULT_SELF_INTERVAL_MS;
  const job: Job = {
    name,
    kind: options.kind,
    async phase(phaseName, body) {
      const t0 = performance.now();
      let ok = false;
      try {
        const r = await body();
        ok = true;
        return r;
      } finally {
        rec.recordPhase(phaseName, performance.now() - t0, ok);
      }
    },
    batch: (items, body, batchOptions) => runBatch(audit, rec, items, body, batchOptions),
    diagnostics: (d) => rec.recordDiagnostics(d),
    progress: (done, total) => rec.recordProgress(done, total),
  };

  const sampler = new SelfSampler(intervalMs, options.resetHighWaterMark ?? true);
  const started = performance.now();
  let failure: { error: unknown } | undefined;
  try {
    return await fn(job);
  } catch (error) {
    failure = { error };
    throw error;
  } finally {
    const durationMs = performance.now() - started;
    const usage = sampler.stop();
    const message = failure
      ? failure.error instanceof Error
        ? `${failure.error.name}: ${failure.error.message}`
        : String(failure.error)
      : undefined;
    let result: JobResult | undefined;
    try {
      result = rec.finish({
        status: failure ? 'failed' : 'ok',
        ...(message !== undefined ? { error: message } : {}),
        durationMs,
        cpuMs: usage.cpuMs,
        cpuHow: 'exact',
        cores: coresAvailable(),
        peakCores: usage.peakCores,
        memory: usage.memory,
        ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}),
        ...(failure ? { failure: { error: message ?? null } } : {}),
      });
    } catch {
      // A profiler fault never replaces the job's own outcome.
    }
    if (result && options.onResult) {
      const r = result;
      const notify = options.onResult;
      if (audit) audit.safely('ml', () => notify(r));
      else {
        try {
          notify(r);
        } catch {
          // The callback is the app's; its error must not mask the job's result.
        }
      }
    }
  }
}
