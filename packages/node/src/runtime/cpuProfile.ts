import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { selfTime } from './selfTime.js';

/**
 * Records CPU profiles with node:inspector (no native module): Profiler.start, wait, Profiler.stop, write the
 * `.cpuprofile` (loadable in Chrome DevTools). At most one at a time and `max` per process.
 */
export class CpuProfiler {
  private session: Session | undefined;
  private timer: NodeJS.Timeout | undefined;
  private taken = 0;
  /** Paths written so far. */
  readonly written: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly durationMs: number,
    private readonly max: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Starts a profile if none is running and the cap allows; returns the path it will be written to. */
  start(reason: string): string | undefined {
    if (this.session || this.taken >= this.max) return undefined;
    return selfTime.measure(() => this.begin(reason));
  }

  private begin(reason: string): string | undefined {
    this.taken++;
    const file = join(
      this.dir,
      `${reason.replace(/[^a-z0-9.-]/gi, '_')}-${process.pid}-${Date.now()}.cpuprofile`,
    );
    try {
      mkdirSync(this.dir, { recursive: true });
      const session = new Session();
      session.connect();
      this.session = session;
      session.post('Profiler.enable', (err) => {
        if (err) return this.fail(err);
        session.post('Profiler.start', (err2) => {
          if (err2) return this.fail(err2);
          this.timer = setTimeout(() => selfTime.measure(() => this.finish(file)), this.durationMs);
          this.timer.unref();
        });
      });
      return file;
    } catch (err) {
      this.fail(err);
      return undefined;
    }
  }

  private finish(file: string): void {
    const session = this.session;
    if (!session) return;
    session.post('Profiler.stop', (err, result) => {
      try {
        if (err) throw err;
        writeFileSync(file, JSON.stringify(result.profile));
        this.written.push(file);
      } catch (e) {
        this.onError(e);
      } finally {
        this.close();
      }
    });
  }

  private fail(err: unknown): void {
    this.onError(err);
    this.close();
  }

  private close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      this.session?.disconnect();
    } catch {
      // already gone
    }
    this.session = undefined;
  }

  /** Abandons a running profile (nothing is written) and disconnects. */
  stop(): void {
    this.close();
  }
}
