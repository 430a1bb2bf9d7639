import type { SqlShape } from './fingerprint.js';
import { sampleValues } from './rows.js';

/** One SELECT of a run of back-to-back SELECTs. */
interface RunEntry {
  shape: SqlShape;
  ms: number;
  site: Error | undefined;
}

/** The qualifying run a scope saw that running concurrently would save the most on. */
export interface SequentialRun {
  shapes: SqlShape[];
  /** Each statement's time, ms, in run order. */
  times: number[];
  /** Each statement's captured call site, if any, in run order. */
  sites: (Error | undefined)[];
  totalMs: number;
  /** What running them together saves: the sum less the slowest, ms. */
  savingMs: number;
}

const MAX_RUN = 32;
const MAX_VALUES = 200;

/**
 * Tracks, within one scope, SELECTs that each start only after the previous one finished and bind no value
 * the earlier ones returned: candidates to run in parallel. Conservative by construction: any overlap (the
 * app already parallelizes), any write, or any binding seen in an earlier result ends the run.
 */
export class SequentialTracker {
  private run: RunEntry[] = [];
  private values = new Set<unknown>();
  best: SequentialRun | undefined;

  constructor(
    private readonly minQueries: number,
    private readonly minTotalMs: number,
  ) {}

  /** A query starts; `inflight` is how many others of the scope are still running. Returns its entry. */
  start(shape: SqlShape, bindings: readonly unknown[] | undefined, inflight: number): RunEntry | undefined {
    if (shape.operation !== 'SELECT' || inflight > 0) {
      this.close();
      return undefined;
    }
    if (bindings?.some((b) => this.values.has(b))) this.close();
    if (this.run.length >= MAX_RUN) this.close();
    const entry: RunEntry = { shape, ms: 0, site: undefined };
    this.run.push(entry);
    return entry;
  }

  /** The query of `entry` finished after `ms` with `response`; `site` is where the app built it, if captured. */
  end(entry: RunEntry | undefined, ms: number, response: unknown, site?: Error): void {
    if (!entry || !this.run.includes(entry)) return;
    entry.ms = ms;
    entry.site = site;
    if (this.values.size < MAX_VALUES) sampleValues(response, this.values, MAX_VALUES);
  }

  /** Ends the current run, keeping it if it qualifies and beats the best so far. */
  close(): void {
    const run = this.run;
    if (run.length >= this.minQueries && this.minQueries > 0) {
      const distinct = new Set(run.map((e) => e.shape.fingerprint)).size;
      const totalMs = run.reduce((s, e) => s + e.ms, 0);
      const savingMs = totalMs - Math.max(...run.map((e) => e.ms));
      if (
        distinct >= this.minQueries &&
        totalMs >= this.minTotalMs &&
        (!this.best || savingMs > this.best.savingMs)
      ) {
        this.best = {
          shapes: run.map((e) => e.shape),
          times: run.map((e) => e.ms),
          sites: run.map((e) => e.site),
          totalMs,
          savingMs,
        };
      }
    }
    if (run.length) this.run = [];
    if (this.values.size) this.values = new Set();
  }
}
