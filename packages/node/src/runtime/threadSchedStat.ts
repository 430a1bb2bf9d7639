import { closeSync, openSync, readSync } from 'node:fs';

/** What the scheduler says of one thread, cumulative since it started. */
export interface SchedTimes {
  /** Time on a CPU, ms. */
  cpuMs: number;
  /** Time runnable but waiting for a CPU (run queue, or its cgroup throttled), ms. */
  waitMs: number;
  /** Timeslices run. */
  slices: number;
}

/**
 * The calling thread's Linux scheduler statistics (`/proc/thread-self/schedstat`: on-CPU ns, run-queue wait ns,
 * timeslices). The file is opened once on the thread that will read it and re-read with one pread (about 1 us),
 * so it can be read at every monitor tick. `open()` answers undefined off Linux or where procfs hides it.
 */
export class ThreadSchedStat {
  private readonly buf = Buffer.alloc(96);

  private constructor(private fd: number | undefined) {}

  static open(path = '/proc/thread-self/schedstat'): ThreadSchedStat | undefined {
    if (process.platform !== 'linux') return undefined;
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      const s = new ThreadSchedStat(fd);
      // read() closes the file when it fails.
      return s.read() ? s : undefined;
    } catch {
      if (fd !== undefined) closeSync(fd);
      return undefined;
    }
  }

  /** The current totals, or undefined when the read failed (the file is then closed for good). */
  read(): SchedTimes | undefined {
    if (this.fd === undefined) return undefined;
    try {
      const n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
      const text = this.buf.toString('latin1', 0, n);
      const a = text.indexOf(' ');
      const b = text.indexOf(' ', a + 1);
      const cpu = Number(text.slice(0, a));
      const wait = Number(text.slice(a + 1, b));
      const slices = Number(text.slice(b + 1));
      if (!(Number.isFinite(cpu) && Number.isFinite(wait))) throw new Error(`schedstat: ${text}`);
      return { cpuMs: cpu / 1e6, waitMs: wait / 1e6, slices: Number.isFinite(slices) ? slices : 0 };
    } catch {
      this.close();
      return undefined;
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {}
    this.fd = undefined;
  }
}
