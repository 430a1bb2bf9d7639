import type { Audit, FindingInput } from '@perf/core';
import type { JobMeasurements, JobRecorder } from './jobRecorder.js';
import type { JobResult } from './types.js';

/** Recommendations, taken from the audit's "ML Optimizations" and "Common ML Issues". */
export const RECOMMENDATIONS = {
  'ml.slow-inference':
    'Use batch processing for inference (score many scenarios per call), implement model artifact caching so ' +
    'the fitted model / posterior is loaded once and reused, and optimize the PyMC model specification ' +
    '(fewer deterministic nodes, vectorized likelihood) to cut per-call work.',
  'ml.slow-training':
    'Optimize the PyMC model specification (non-centered parameterization, better-scaled and more informative ' +
    'priors), implement data preprocessing caching so fits start from prepared arrays, and use parallel ' +
    'processing for independent operations (chains on separate cores).',
  'ml.memory':
    'Memory issues with large datasets: optimize feature engineering pipelines (process in chunks, compact ' +
    'dtypes such as float32), keep only the draws and variables you need in the trace, and cache preprocessed ' +
    'data instead of holding several copies.',
  'ml.low-throughput':
    'Use batch processing for inference, use parallel processing for independent operations (raise the ' +
    'concurrency or the number of worker processes), and implement model artifact caching so items do not ' +
    'reload the model.',
  'ml.not-converged':
    'Poor convergence due to bad priors: optimize the PyMC model specification (more informative priors, ' +
    'non-centered parameterization, rescaled inputs), raise target_accept to remove divergences, and tune ' +
    'and draw longer until R-hat <= 1.01 and bulk ESS >= 100 per chain.',
  'ml.poor-parallelism':
    'Poor parallelization of compute: use parallel processing for independent operations, match the number of ' +
    'chains / workers to the cores available, and make sure the parallel parts are CPU-bound rather than ' +
    'waiting on I/O, a lock or the GIL.',
  'ml.job-failed':
    'Read the error / stderr tail in the evidence; a job killed by its timeout or memory ceiling needs the ' +
    'convergence-time and memory recommendations (ml.slow-training, ml.memory).',
  'ml.protocol-malformed':
    'The child printed lines that are not valid perf-ml protocol messages; use perf_ml.py or childReporter() ' +
    'instead of writing the protocol by hand.',
} as const;

export type MlRule = keyof typeof RECOMMENDATIONS;

const fmtMs = (ms: number) =>
  ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(2)} s`;
const fmtBytes = (b: number) => `${(b / 1024 ** 3).toFixed(2)} GiB`;

/** Applies every ml rule to a finished job; returns the rule ids raised. */
export function evaluateFindings(
  audit: Audit,
  rec: JobRecorder,
  result: JobResult,
  m: JobMeasurements,
): string[] {
  const t = rec.thresholds;
  const attrs = rec.attributes;
  const raised: string[] = [];
  const timing = { method: 'exact', source: 'wall clock (performance.now) around the job' } as const;
  const raise = (rule: MlRule, f: Omit<FindingInput, 'rule' | 'area' | 'recommendation' | 'key'>) => {
    raised.push(rule);
    audit.finding({ rule, key: rec.name, area: 'ml', recommendation: RECOMMENDATIONS[rule], ...f });
  };

  const limit = rec.kind === 'inference' ? t.slowInferenceMs : rec.kind === 'training' ? t.slowTrainingMs : 0;
  if (limit > 0 && result.durationMs > limit) {
    const rule = rec.kind === 'inference' ? 'ml.slow-inference' : 'ml.slow-training';
    raise(rule, {
      severity: result.durationMs > 2 * limit ? 'critical' : 'warning',
      title: `${rec.kind} job "${rec.name}" took ${fmtMs(result.durationMs)} (target < ${fmtMs(limit)})`,
      evidence: {
        metrics: [
          {
            name: 'ml.job.duration',
            attributes: attrs,
            statistic: 'max',
            value: result.durationMs,
            unit: 'ms',
          },
        ],
        attributes: attrs,
        details: { phases: slowestPhases(result) },
      },
      how: timing,
    });
  }

  const mem = result.memory;
  if (mem.peakBytes > t.memoryBytes) {
    raise('ml.memory', {
      severity: 'critical',
      title: `job "${rec.name}" peaked at ${fmtBytes(mem.peakBytes)} (limit ${fmtBytes(t.memoryBytes)})`,
      evidence: {
        metrics: [
          {
            name: 'ml.job.memory.peak',
            attributes: attrs,
            statistic: 'max',
            value: mem.peakBytes,
            unit: 'B',
          },
        ],
        attributes: attrs,
        details: {
          how: mem.how,
          sampledPeakBytes: mem.sampledPeakBytes,
          upperBoundBytes: mem.upperBoundBytes ?? null,
        },
      },
      how: { method: mem.how, source: mem.source, intervalMs: mem.intervalMs },
    });
  }

  const throughputs = result.batches.filter((b) => b.items > 0).map((b) => b.itemsPerHour);
  if (result.batches.length === 0 && result.throughputPerHour !== undefined)
    throughputs.push(result.throughputPerHour);
  const slowest = throughputs.length ? Math.min(...throughputs) : undefined;
  if (slowest !== undefined && slowest < t.minItemsPerHour) {
    raise('ml.low-throughput', {
      severity: 'warning',
      title: `job "${rec.name}" processed ${Math.round(slowest)} items/hour (target > ${t.minItemsPerHour})`,
      evidence: {
        metrics: [
          { name: 'ml.batch.throughput', attributes: attrs, statistic: 'min', value: slowest, unit: '/h' },
        ],
        attributes: attrs,
        details: { batches: result.batches.slice(0, 10).map((b) => ({ ...b })) },
      },
      how: {
        method: 'exact',
        source: result.batches.length ? 'items / batch wall time' : 'throughput reported by the child',
      },
    });
  }

  const d = result.diagnostics;
  if (d) {
    const reasons: string[] = [];
    if (d.rHat !== undefined && d.rHat > t.maxRHat) reasons.push(`R-hat ${d.rHat} > ${t.maxRHat}`);
    const perChain = d.essBulk !== undefined ? d.essBulk / Math.max(1, d.chains ?? 1) : undefined;
    if (perChain !== undefined && perChain < t.minEssPerChain) {
      reasons.push(`bulk ESS per chain ${Math.round(perChain)} < ${t.minEssPerChain}`);
    }
    if (d.divergences !== undefined && d.divergences > t.maxDivergences) {
      reasons.push(`${d.divergences} divergences after tuning`);
    }
    if (reasons.length) {
      raise('ml.not-converged', {
        severity: 'critical',
        title: `job "${rec.name}" did not converge: ${reasons.join(', ')}`,
        evidence: {
          attributes: attrs,
          details: {
            r_hat: d.rHat ?? null,
            ess_bulk: d.essBulk ?? null,
            ess_bulk_per_chain: perChain ?? null,
            divergences: d.divergences ?? null,
            chains: d.chains ?? null,
          },
        },
        how: {
          method: 'exact',
          source: 'convergence diagnostics reported by the job (PyMC / ArviZ summary)',
        },
      });
    }
  }

  // "Parallel" means the job showed or declared more than one core of work; only then is low efficiency a finding.
  const parallel = (m.parallelism ?? 0) >= 2 || result.peakCores >= 1.5;
  if (
    parallel &&
    result.cores.cores >= 2 &&
    result.durationMs >= t.minParallelWallMs &&
    result.efficiency < t.minEfficiency
  ) {
    raise('ml.poor-parallelism', {
      severity: 'warning',
      title:
        `job "${rec.name}" used ${(result.cpuMs / result.durationMs).toFixed(2)} of ${result.cores.cores} cores ` +
        `on average (efficiency ${(result.efficiency * 100).toFixed(0)}%)`,
      evidence: {
        metrics: [
          {
            name: 'ml.job.cpu.efficiency',
            attributes: attrs,
            statistic: 'last',
            value: result.efficiency,
            unit: '1',
          },
        ],
        attributes: attrs,
        details: {
          cpuMs: result.cpuMs,
          wallMs: result.durationMs,
          coresAvailable: result.cores.cores,
          coresSource: result.cores.source,
          peakCores: result.peakCores,
          declaredParallelism: m.parallelism ?? null,
        },
      },
      how: {
        method: result.cpuHow,
        source:
          result.cpuHow === 'exact'
            ? 'process.cpuUsage() delta / (wall x cores available)'
            : '/proc/<pid>/stat CPU of the process tree / (wall x cores available)',
        intervalMs: result.memory.intervalMs,
      },
    });
  }

  if (m.status === 'failed') {
    raise('ml.job-failed', {
      severity: 'critical',
      title: `job "${rec.name}" failed: ${(m.error ?? 'unknown error').slice(0, 400)}`,
      evidence: { attributes: attrs, details: { ...(m.failure ?? {}), durationMs: result.durationMs } },
      how: { method: 'exact', source: 'job outcome (thrown error, exit code or signal)' },
    });
  }

  if (m.malformedLines && m.malformedLines > 0) {
    raise('ml.protocol-malformed', {
      severity: 'info',
      title: `job "${rec.name}" sent ${m.malformedLines} malformed protocol line(s)`,
      evidence: { attributes: attrs, details: { malformedLines: m.malformedLines } },
      how: { method: 'exact', source: 'perf-ml line protocol parser' },
      count: m.malformedLines,
    });
  }
  return raised;
}

function slowestPhases(result: JobResult): Record<string, number> {
  const totals = new Map<string, number>();
  for (const p of result.phases) totals.set(p.name, (totals.get(p.name) ?? 0) + p.durationMs);
  return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]).slice(0, 10));
}
