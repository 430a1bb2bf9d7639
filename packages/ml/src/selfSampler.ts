import { readMemory, resetHighWaterMark } from './procfs.js';
import type { MemoryPeak } from './types.js';

/** Default sampling interval for in-process jobs (ms). */
export const DEFAULT_SELF_INTERVAL_MS = 100;

/** In-process jobs running now: VmHWM is per process, so only a job running alone may reset it. */
let running = 0;

/** CPU and memory of this process over one in-process job. */
export interface SelfUsage {
  cpuMs: number;
  peakCores: number;
  memory: MemoryPeak;
}

/**
 * Samples this process's RSS (and CPU rate) at an interval and, on Linux, reads the exact VmHWM after
 * resetting it at the start. A reset is skipped when another in-process job is running (it would erase that
 * job's peak); the job's peak is then the sampled one.
 */
export class SelfSampler {
  private readonly startCpu = process.cpuUsage();
  private lastCpu = this.startCpu;
  private lastAt = performance.now();
  private sampledPeak = process.memoryUsage.rss();
  private peakCores = 0;
  private readonly reset: boolean;
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly intervalMs = DEFAULT_SELF_INTERVAL_MS,
    allowReset = true,
  ) {
    this.reset = allowReset && running === 0 && process.platform === 'linux' && resetHighWaterMark();
    running++;
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.sampledPeak) this.sampledPeak = rss;
    const now = performance.now();
    const cpu = process.cpuUsage();
    const dt = now - this.lastAt;
    if (dt > 0) {
      const cores = (cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) / 1000 / dt;
      if (cores > this.peakCores) this.peakCores = cores;
    }
    this.lastCpu = cpu;
    this.lastAt = now;
  }

  stop(): SelfUsage {
    if (!this.stopped) {
      this.stopped = true;
      clearInterval(this.timer);
      running--;
    }
    this.sample();
    const cpu = process.cpuUsage(this.startCpu);
    const hwm = process.platform === 'linux' ? readMemory('self')?.hwmBytes : undefined;
    const exact = this.reset && hwm !== undefined;
    const memory: MemoryPeak = {
      peakBytes: exact ? Math.max(hwm, this.sampledPeak) : this.sampledPeak,
      how: exact ? 'exact' : 'sampled',
      source: exact
        ? 'VmHWM of this process (/proc/self/status), reset at job start via /proc/self/clear_refs'
        : `process.memoryUsage().rss sampled every ${this.intervalMs} ms` +
          (this.reset ? '' : ' (VmHWM not reset: another job was running or the reset was refused)'),
      sampledPeakBytes: this.sampledPeak,
      ...(hwm !== undefined ? { hwmBytes: hwm } : {}),
      intervalMs: this.intervalMs,
    };
    return { cpuMs: (cpu.user + cpu.system) / 1000, peakCores: this.peakCores, memory };
  }
}
