import type { Attributes, Audit, CounterHandle, GaugeHandle, HistogramHandle } from '@perf/core';
import type { CoresAvailable } from './cores.js';
import { evaluateFindings } from './findings.js';
import { type ConvergenceDiagnostics, MAX_NAME_LENGTH, type ProtocolMessage } from './protocol.js';
import type { BatchSummary, JobKind, JobResult, MemoryPeak, PhaseRecord, Thresholds } from './types.js';

/** Phase records kept per job in the result; the histogram keeps counting past it. */
export const MAX_PHASE_RECORDS = 1000;
/** Distinct phase names per job; more fold into '(other)' so a child cannot explode cardinality. */
export const MAX_PHASE_NAMES = 100;

const ML = { area: 'ml' } as const;

/** The metric handles job.batch writes to. */
export interface BatchHandles {
  itemDuration: HistogramHandle;
  throughput: GaugeHandle;
  failures: CounterHandle;
}

/** What the runner measured, handed to `finish`. */
export interface JobMeasurements {
  status: 'ok' | 'failed';
  error?: string;
  durationMs: number;
  cpuMs: number;
  cpuHow: 'exact' | 'sampled';
  cores: CoresAvailable;
  peakCores: number;
  memory: MemoryPeak;
  /** Parallelism the app declared (worker threads, chains run in parallel); feeds ml.poor-parallelism. */
  parallelism?: number;
  /** Extra evidence for the failure finding (exit code, signal, stderr tail). */
  failure?: Record<string, string | number | boolean | null>;
  /** Malformed protocol lines, reported as a finding when > 0. */
  malformedLines?: number;
}

/**
 * Collects one job's phases, batches and diagnostics and, at the end, writes its metrics and findings.
 * Shared by mlJob (in-process) and runJob (child process) so both report the same shape.
 */
export class JobRecorder {
  readonly attributes: Attributes;
  readonly phases: PhaseRecord[] = [];
  droppedPhases = 0;
  readonly batches: BatchSummary[] = [];
  diagnostics: ConvergenceDiagnostics | undefined;
  progress: { done: number; total?: number } | undefined;
  throughputPerHour: number | undefined;
  private readonly phaseNames = new Set<string>();
  private handles: BatchHandles | undefined;
  /** Phases the child has started and not yet ended: name -> start times (a stack per name). */
  private readonly open = new Map<string, number[]>();

  constructor(
    readonly audit: Audit | undefined,
    readonly name: string,
    readonly kind: JobKind,
    readonly thresholds: Thresholds,
  ) {
    this.attributes = { 'ml.job.name': name, 'ml.job.kind': kind };
  }

  /** Records one finished phase into ml.job.phase.duration and the result. */
  recordPhase(rawName: string, durationMs: number, ok = true, complete = true): void {
    let name = rawName.slice(0, MAX_NAME_LENGTH);
    if (!this.phaseNames.has(name)) {
      if (this.phaseNames.size >= MAX_PHASE_NAMES) name = '(other)';
      else this.phaseNames.add(name);
    }
    if (complete) {
      this.audit
        ?.histogram('ml.job.phase.duration', { ...this.attributes, 'ml.job.phase': name })
        .record(durationMs);
    }
    if (this.phases.length < MAX_PHASE_RECORDS) this.phases.push({ name, durationMs, ok, complete });
    else this.droppedPhases++;
  }

  /** Batch metric handles, looked up once per job: a lookup costs microseconds, a batch may be tiny. */
  batchHandles(): BatchHandles | undefined {
    const audit = this.audit;
    if (!audit) return undefined;
    this.handles ??= {
      itemDuration: audit.histogram('ml.batch.item.duration', this.attributes),
      throughput: audit.gauge('ml.batch.throughput', this.attributes),
      failures: audit.counter('ml.batch.failures', this.attributes, { ...ML, unit: '{item}' }),
    };
    return this.handles;
  }

  recordBatch(summary: BatchSummary): void {
    if (this.batches.length < MAX_PHASE_RECORDS) this.batches.push(summary);
    this.throughputPerHour = summary.itemsPerHour;
  }

  /** Keeps the worst value of each diagnostic over every report (max R-hat, min ESS, max divergences). */
  recordDiagnostics(d: ConvergenceDiagnostics): void {
    const prev = this.diagnostics ?? {};
    const worst = (a: number | undefined, b: number | undefined, pick: (x: number, y: number) => number) =>
      a === undefined ? b : b === undefined ? a : pick(a, b);
    const next: ConvergenceDiagnostics = {};
    const set = (k: keyof ConvergenceDiagnostics, v: number | undefined) => {
      if (v !== undefined) next[k] = v;
    };
    set('rHat', worst(prev.rHat, d.rHat, Math.max));
    set('essBulk', worst(prev.essBulk, d.essBulk, Math.min));
    set('essTail', worst(prev.essTail, d.essTail, Math.min));
    set('divergences', worst(prev.divergences, d.divergences, Math.max));
    set('chains', d.chains ?? prev.chains);
    set('draws', d.draws ?? prev.draws);
    this.diagnostics = next;
  }

  recordProgress(done: number, total?: number): void {
    this.progress = total === undefined ? { done } : { done, total };
  }

  /** Applies one protocol message from a child; `now` is the parent's clock at receipt (ms). */
  apply(message: ProtocolMessage, now: number): void {
    switch (message.t) {
      case 'phase': {
        const starts = this.open.get(message.name);
        if (message.event === 'start') {
          if (starts) {
            if (starts.length < 64) starts.push(now);
          } else if (this.open.size < MAX_PHASE_NAMES) this.open.set(message.name, [now]);
          return;
        }
        const started = starts?.pop();
        if (starts && starts.length === 0) this.open.delete(message.name);
        // The child's own timing is preferred: pipe buffering delays receipt, not the child's clock.
        const ms = message.ms ?? (started !== undefined ? now - started : undefined);
        if (ms !== undefined) this.recordPhase(message.name, ms, message.ok ?? true);
        return;
      }
      case 'progress':
        this.recordProgress(message.done, message.total);
        return;
      case 'throughput':
        this.throughputPerHour = (message.items / message.seconds) * 3600;
        return;
      case 'diagnostics':
        this.recordDiagnostics(message.diagnostics);
        return;
    }
  }

  /** Phases a child started and never ended: listed as incomplete, kept out of the histogram. */
  closeOpenPhases(now: number): void {
    for (const [name, starts] of this.open) {
      for (const s of starts) this.recordPhase(name, now - s, false, false);
    }
    this.open.clear();
  }

  /** Writes the job's metrics and findings and returns its result. */
  finish(m: JobMeasurements): JobResult {
    const audit = this.audit;
    const attrs = this.attributes;
    const efficiency = m.durationMs > 0 && m.cores.cores > 0 ? m.cpuMs / (m.durationMs * m.cores.cores) : 0;
    const result: JobResult = {
      name: this.name,
      kind: this.kind,
      status: m.status,
      ...(m.error !== undefined ? { error: m.error } : {}),
      durationMs: m.durationMs,
      cpuMs: m.cpuMs,
      cpuHow: m.cpuHow,
      cores: m.cores,
      efficiency: Math.min(1, efficiency),
      peakCores: m.peakCores,
      memory: m.memory,
      phases: this.phases,
      droppedPhases: this.droppedPhases,
      ...(this.diagnostics ? { diagnostics: this.diagnostics } : {}),
      ...(this.progress ? { progress: this.progress } : {}),
      ...(this.throughputPerHour !== undefined ? { throughputPerHour: this.throughputPerHour } : {}),
      batches: this.batches,
      findings: [],
    };
    if (!audit) return result;
    audit.safely('ml', () => {
      audit.histogram('ml.job.duration', attrs).record(m.durationMs);
      audit
        .histogram('ml.job.cpu.time', attrs, { ...ML, unit: 'ms', description: 'CPU time per job.' })
        .record(m.cpuMs);
      audit
        .gauge('ml.job.cpu.efficiency', attrs, {
          ...ML,
          unit: '1',
          description: 'CPU time / (wall time x cores available) per job.',
        })
        .set(result.efficiency);
      audit
        .gauge('ml.job.memory.peak', { ...attrs, 'ml.job.memory.how': m.memory.how })
        .set(m.memory.peakBytes);
      audit.counter('ml.job.runs', { ...attrs, 'ml.job.status': m.status }, { ...ML, unit: '{job}' }).add(1);
      if (this.throughputPerHour !== undefined && this.batches.length === 0) {
        // A child's own throughput report; in-process batches set the gauge themselves.
        audit.gauge('ml.batch.throughput', attrs).set(this.throughputPerHour);
      }
      if (this.progress?.total) {
        audit
          .gauge('ml.job.progress', attrs, { ...ML, unit: '1', description: 'Share of work done.' })
          .set(this.progress.done / this.progress.total);
      }
      const d = this.diagnostics;
      if (d?.rHat !== undefined) audit.gauge('ml.convergence.r_hat', attrs, { ...ML, unit: '1' }).set(d.rHat);
      if (d?.essBulk !== undefined) {
        const perChain = d.essBulk / Math.max(1, d.chains ?? 1);
        audit.gauge('ml.convergence.ess_bulk_per_chain', attrs, { ...ML, unit: '1' }).set(perChain);
      }
      if (d?.divergences !== undefined) {
        audit.gauge('ml.convergence.divergences', attrs, { ...ML, unit: '{transition}' }).set(d.divergences);
      }
      result.findings = evaluateFindings(audit, this, result, m);
    });
    return result;
  }
}
