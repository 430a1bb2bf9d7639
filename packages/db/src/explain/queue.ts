import type { ExplainJob } from './types.js';

/**
 * EXPLAINs run off the hot path: a query's completion only offers its statement here; a single worker
 * (concurrency 1, started on setImmediate) explains each fingerprint once. Both the queue and the set of
 * explained fingerprints are bounded; what does not fit is dropped and counted.
 */
export class ExplainQueue {
  private readonly seen = new Set<string>();
  private queue: ExplainJob[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  dropped = 0;
  failed = 0;
  explained = 0;

  constructor(
    private readonly run: (job: ExplainJob) => Promise<void>,
    private readonly start: (drain: () => Promise<void>) => void,
    private readonly maxQueue: number,
    private readonly maxFingerprints: number,
  ) {}

  /** Whether a statement of this fingerprint would be explained (checked before building a job). */
  wants(fingerprint: string): boolean {
    return !this.closed && !this.seen.has(fingerprint);
  }

  /** Remembers a fingerprint that needs no EXPLAIN (no WHERE or JOIN), so it is not examined again. */
  skip(fingerprint: string): void {
    if (this.seen.has(fingerprint)) return;
    if (this.seen.size >= this.maxFingerprints) this.seen.delete(this.seen.values().next().value as string);
    this.seen.add(fingerprint);
  }

  /** Offers a statement; ignored when its fingerprint was explained (or queued) before. */
  offer(job: ExplainJob): void {
    if (this.closed) return;
    const fp = job.shape.fingerprint;
    if (this.seen.has(fp)) return;
    this.skip(fp);
    if (this.queue.length >= this.maxQueue) {
      this.dropped++;
      return;
    }
    this.queue.push(job);
    if (!this.running) {
      let release!: () => void;
      this.running = new Promise<void>((resolve) => {
        release = resolve;
      });
      this.start(() => this.drain().finally(release));
    }
  }

  /** Resolves when every queued EXPLAIN has run. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops taking work; what is queued is dropped. */
  close(): void {
    this.closed = true;
    this.queue = [];
  }

  private async drain(): Promise<void> {
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
        try {
          await this.run(job);
          this.explained++;
        } catch {
          this.failed++;
        }
      }
    } finally {
      this.running = undefined;
    }
  }
}
