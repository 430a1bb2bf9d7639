/** Options of `nodeRuntime()`. Every threshold has the audit's default. */
export interface RuntimeOptions {
  /** Sampling window for ELU, CPU, memory and the findings, ms. Default 1000. */
  intervalMs?: number;
  /**
   * monitorEventLoopDelay resolution, ms; subtracted from every reading. Default 50: each tick is a wake-up of
   * an idle process, and a stall reads up to one resolution short, so 50 keeps every stall >= threshold + 50 ms
   * visible at 20 wake-ups per second. Lower it for finer delay percentiles of short blocks.
   */
  resolutionMs?: number;
  /** A loop stall longer than this is a `node.event-loop-blocked` finding, ms. Default 100. */
  stallThresholdMs?: number;
  /**
   * The stall timer's period, ms. Default: `resolutionMs`. One timer then measures the event-loop delay, times
   * each stall as it ends (exact start and end, so exact routes in flight) and reads the JS thread's scheduler
   * numbers at every tick, which split each stall into on-CPU, waiting for a core and asleep (Linux). 0 uses
   * monitorEventLoopDelay instead and finds stalls once per window (the longest), with a cause estimated from
   * the whole window.
   */
  stallCheckMs?: number;
  /**
   * `node.cpu-starved` when the JS thread waited for a CPU (run queue or cgroup throttling) at least this share
   * of a window's wall time. Default 0.2. Linux only.
   */
  starvedRatio?: number;
  /** `node.gc-pressure` when GC pauses exceed this many ms per wall-clock second in a window. Default 100. */
  gcPressureMsPerSecond?: number;
  /** `node.memory-pressure` when RSS (or the V8 heap) exceeds this fraction of its limit. Default 0.8. */
  memoryPressure?: number;
  /** `node.cpu-saturation` when CPU over the available CPU exceeds this fraction... Default 0.7. */
  cpuSaturation?: number;
  /** ...for this many consecutive windows (one busy second is not saturation). Default 3. */
  cpuSustainedWindows?: number;
  /** Memory limit to use instead of the cgroup limit or total memory, bytes. */
  memoryLimitBytes?: number;
  /** CPUs available instead of the cgroup quota or os.availableParallelism(). */
  availableCpus?: number;
  /** Leak detection over heap-used-after-major-GC samples. */
  leak?: {
    /** Samples older than this are dropped, ms. Default 600000 (10 min). */
    windowMs?: number;
    /** Samples needed before testing. Default 8. */
    minSamples?: number;
    /** One-sided p-value below which the growth is significant. Default 0.01. */
    pValue?: number;
    /** Growth slower than this is not reported, MB/min. Default 1. */
    minRateMbPerMinute?: number;
    /** Growth over the window smaller than this fraction of the starting heap is not reported. Default 0.1. */
    minGrowth?: number;
    /** Samples must span at least this long, ms (warm-up growth is not a leak). Default 30000. */
    minSpanMs?: number;
  };
  /** Record a CPU profile of the next `durationMs` after a breach, via node:inspector. */
  cpuProfile?: {
    /** Directory the .cpuprofile files are written to. */
    dir: string;
    /** Profile length, ms. Default 5000. */
    durationMs?: number;
    /** Profiles per process at most. Default 3. */
    maxProfiles?: number;
    /** Rules that trigger one. Default event-loop-blocked and cpu-saturation. */
    on?: string[];
  };
  /** Write one heap snapshot into this directory on the first `node.memory-leak` finding (blocks the loop). */
  heapSnapshotDir?: string;
}

/** RuntimeOptions with every default filled in. */
export interface ResolvedRuntimeOptions {
  intervalMs: number;
  resolutionMs: number;
  stallThresholdMs: number;
  stallCheckMs: number;
  starvedRatio: number;
  gcPressureMsPerSecond: number;
  memoryPressure: number;
  cpuSaturation: number;
  cpuSustainedWindows: number;
  memoryLimitBytes: number | undefined;
  availableCpus: number | undefined;
  leak: {
    windowMs: number;
    minSamples: number;
    pValue: number;
    minRateMbPerMinute: number;
    minGrowth: number;
    minSpanMs: number;
  };
  cpuProfile: { dir: string; durationMs: number; maxProfiles: number; on: string[] } | undefined;
  heapSnapshotDir: string | undefined;
}

export function resolveRuntimeOptions(o: RuntimeOptions = {}): ResolvedRuntimeOptions {
  const resolutionMs = Math.max(1, Math.round(o.resolutionMs ?? 50));
  return {
    intervalMs: Math.max(10, o.intervalMs ?? 1000),
    resolutionMs,
    stallThresholdMs: o.stallThresholdMs ?? 100,
    stallCheckMs: Math.max(0, o.stallCheckMs ?? resolutionMs),
    starvedRatio: Math.min(1, Math.max(0, o.starvedRatio ?? 0.2)),
    gcPressureMsPerSecond: o.gcPressureMsPerSecond ?? 100,
    memoryPressure: o.memoryPressure ?? 0.8,
    cpuSaturation: o.cpuSaturation ?? 0.7,
    cpuSustainedWindows: Math.max(1, o.cpuSustainedWindows ?? 3),
    memoryLimitBytes: o.memoryLimitBytes,
    availableCpus: o.availableCpus,
    leak: {
      windowMs: o.leak?.windowMs ?? 600_000,
      minSamples: Math.max(3, o.leak?.minSamples ?? 8),
      pValue: o.leak?.pValue ?? 0.01,
      minRateMbPerMinute: o.leak?.minRateMbPerMinute ?? 1,
      minGrowth: o.leak?.minGrowth ?? 0.1,
      minSpanMs: o.leak?.minSpanMs ?? 30_000,
    },
    cpuProfile: o.cpuProfile
      ? {
          dir: o.cpuProfile.dir,
          durationMs: o.cpuProfile.durationMs ?? 5000,
          maxProfiles: o.cpuProfile.maxProfiles ?? 3,
          on: o.cpuProfile.on ?? ['node.event-loop-blocked', 'node.cpu-saturation'],
        }
      : undefined,
    heapSnapshotDir: o.heapSnapshotDir,
  };
}
