import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { type Audit, type Collector, type FindingInput, registerLoopDelaySource } from '@perf/core';
import { requestTimeOf } from '../http/httpInstrumentation.js';
import { inFlight } from '../http/inFlight.js';
import { RECOMMENDATIONS } from '../recommendations.js';
import { BlockedStalls } from './blockedStalls.js';
import { cpuLimit } from './cpuLimit.js';
import { CpuProfiler } from './cpuProfile.js';
import { EventLoopDelay } from './eventLoopDelay.js';
import { EventLoopUtilizationWindow } from './eventLoopUtilization.js';
import { GcObserver } from './gc.js';
import { HeapAfterGc } from './heapTrend.js';
import { LoopDelayTimeline } from './loopDelayTimeline.js';
import { memoryLimit } from './memoryLimit.js';
import { type RuntimeOptions, resolveRuntimeOptions } from './runtimeOptions.js';
import { selfTime } from './selfTime.js';
import { classifyStall } from './stallCause.js';
import type { Stall } from './stallDetector.js';
import { StallDetector } from './stallDetector.js';
import { STARVED_INTERVALS, STARVED_STALLS, Starvation } from './starvation.js';
import { ThreadClock } from './threadClock.js';

const MB = 1024 * 1024;
/** How long after the collector starts a stall before any request counts as start-up work, ms. */
const STARTUP_MS = 30_000;
const NAME = 'node.runtime';

/** The runtime collector, with its live state exposed for tests and dashboards. */
export interface NodeRuntimeCollector extends Collector {
  /** Stalls seen so far (count, total and longest, ms). */
  readonly stalls: { count: number; totalMs: number; maxMs: number };
  /** Closes a window now (normally every intervalMs). */
  sample(): void;
}

/**
 * Node runtime collector: `audit.use(nodeRuntime())`. Event-loop delay and stalls, ELU, GC, heap, RSS and CPU
 * per window, leak detection on heap-after-major-GC, and doctor-style findings.
 */
export function nodeRuntime(options: RuntimeOptions = {}): NodeRuntimeCollector {
  const o = resolveRuntimeOptions(options);
  let audit: Audit | undefined;
  let eld: EventLoopDelay | undefined;
  let stalls: StallDetector | undefined;
  const stallStats = { count: 0, totalMs: 0, maxMs: 0 };
  let gc: GcObserver | undefined;
  let elu: EventLoopUtilizationWindow | undefined;
  let timer: NodeJS.Timeout | undefined;
  let profiler: CpuProfiler | undefined;
  const heapAfterGc = new HeapAfterGc(o.leak.windowMs);
  let cpuPrev = process.cpuUsage();
  let wallPrev = performance.now();
  let windowStart = wallPrev;
  let cpuBusyWindows = 0;
  let heapSnapshotTaken = false;
  let limits = { memory: memoryLimit(o.memoryLimitBytes), cpu: cpuLimit(o.availableCpus) };
  let windowClock: ThreadClock | undefined;
  let tickClock: ThreadClock | undefined;
  let unregisterTimeline: (() => void) | undefined;
  const starvation = new Starvation();
  const blocked = new BlockedStalls(o.stallThresholdMs);
  let startedAt = performance.now();
  const SCHED = '/proc/thread-self/schedstat (on-CPU and run-queue time of the JS thread)';
  const how = (source: string) => ({ method: 'sampled' as const, source, intervalMs: o.intervalMs });

  function raise(input: FindingInput): void {
    const a = audit;
    if (!a) return;
    let artifacts = input.evidence?.artifacts;
    if (profiler && o.cpuProfile?.on.includes(input.rule)) {
      const file = profiler.start(input.rule);
      if (file) artifacts = [...(artifacts ?? []), file];
    }
    a.finding(artifacts ? { ...input, evidence: { ...input.evidence, artifacts } } : input);
  }

  function onStall(stall: Stall, source: string): void {
    const b = stall.breakdown;
    const cause = b?.cause ?? 'unknown';
    audit
      ?.histogram(
        'nodejs.eventloop.stall.duration',
        { 'nodejs.eventloop.stall.cause': cause },
        {
          unit: 'ms',
          description:
            'Event-loop stalls above the threshold, by cause (cpu, starved, off-cpu, unknown off Linux).',
        },
      )
      .record(stall.durationMs);
    if (cause === 'starved') {
      starvation.addStall(stall);
      // One stall from a wait for a core is an event (it is in the stall histogram); a second is a pattern.
      if (starvation.stalls >= STARVED_STALLS)
        raise(starvation.finding((b?.throttledMs ?? 0) > 0, limitedQuota(), `${source} + ${SCHED}`));
      return;
    }
    // Before the first request, with none in flight, in the first seconds: start-up work, not a request path.
    if (stall.routes.size === 0 && !inFlight.anySeen && performance.now() - startedAt < STARTUP_MS)
      stall.startup = true;
    const finding = blocked.add(stall, cause, b, {
      wallMs: performance.now() - startedAt,
      requestTime: audit ? requestTimeOf(audit) : undefined,
      source: b && cause !== 'unknown' ? `${source} + ${SCHED}` : source,
    });
    if (finding) raise(finding);
  }

  /** The cgroup's CPU quota when one applies (so a starved process may be throttled). */
  const limitedQuota = () => (limits.cpu.source === 'cgroup' ? limits.cpu.cpus : undefined);

  function onMajorGc(bytes: number, at: number): void {
    heapAfterGc.add(bytes, at);
  }

  function sample(): void {
    const a = audit;
    if (!a) return;
    const now = performance.now();
    const wallMs = now - windowStart;
    if (wallMs <= 0) return;
    windowStart = now;

    // Process CPU over the window (all threads), for the CPU gauge below and the starvation split here.
    const cpu = process.cpuUsage(cpuPrev);
    cpuPrev = process.cpuUsage();
    const processCpuMs = (cpu.user + cpu.system) / 1000;

    // What the JS thread did this window: on a CPU, waiting for one, or neither (Linux only).
    const thread = windowClock?.delta();
    if (thread) {
      const share = starvation.addWindow(
        wallMs,
        thread.waitMs,
        thread.throttledMs,
        processCpuMs - thread.cpuMs,
        o.starvedRatio,
      );
      a.gauge('process.cpu.starvation').set(share);
      if (thread.throttledMs > 0) a.counter('process.cpu.throttled_time').add(thread.throttledMs);
      if (
        starvation.starvedRunMs >= STARVED_INTERVALS * o.intervalMs &&
        thread.waitMs >= o.stallThresholdMs / 2
      ) {
        starvation.addRoutes(inFlight.during(now - wallMs, now));
        raise(
          starvation.finding(
            thread.throttledMs > 0,
            limitedQuota(),
            `${SCHED}, run-queue wait over wall time per window`,
          ),
        );
      }
    }

    if (eld) {
      const w = eld.flush(a.histogram('nodejs.eventloop.delay'), o.stallThresholdMs);
      // The profiler's own pauses (writing a .cpuprofile) are not the app's stalls.
      const own = selfTime.take();
      if (w.stalls > 0 && w.max - own >= o.stallThresholdMs) {
        // Window-level detection: the longest stall, and the requests that lasted through it. Its cause comes
        // from the whole window's thread numbers, so it is an estimate (per-stall timing gives the exact one).
        stallStats.count += w.stalls;
        stallStats.totalMs += w.stallMs;
        if (w.max > stallStats.maxMs) stallStats.maxMs = w.max;
        // A route alone in lasting through it ran the blocking code.
        const held = inFlight.lastingDuring(now - wallMs, now, w.max * 0.9);
        onStall(
          {
            durationMs: w.max,
            endTime: now,
            routes: held,
            ...(held.size === 1 ? { culprit: held.keys().next().value as string } : {}),
            ...(thread ? { breakdown: classifyStall(w.max, wallMs, thread, o.stallThresholdMs) } : {}),
          },
          'monitorEventLoopDelay samples above the threshold, per window, + HTTP in-flight registry',
        );
      }
    }
    if (elu) a.gauge('nodejs.eventloop.utilization').set(elu.next());

    // GC time per wall-clock second of the window, judged on the part the thread was on a CPU: a pause
    // measured in wall time also holds the time a starved thread waited for a core.
    if (gc) {
      const w = gc.takeWindow();
      const perSecond = (w.ms / wallMs) * 1000;
      const onCpu =
        thread && thread.cpuMs + thread.waitMs > 0 ? thread.cpuMs / (thread.cpuMs + thread.waitMs) : 1;
      const workPerSecond = perSecond * onCpu;
      a.gauge('v8js.gc.time_per_second').set(perSecond);
      if (workPerSecond > o.gcPressureMsPerSecond && wallMs >= o.intervalMs / 2) {
        const inflated = onCpu < 0.9;
        raise({
          rule: 'node.gc-pressure',
          key: 'gc',
          area: 'backend',
          severity: workPerSecond > 250 ? 'critical' : 'warning',
          title: `GC pauses take ${workPerSecond.toFixed(0)} ms per second`,
          message:
            `${w.pauses} GC pauses totalling ${w.ms.toFixed(1)} ms in a ${wallMs.toFixed(0)} ms window (threshold ${o.gcPressureMsPerSecond} ms/s).` +
            (inflated
              ? ` The thread waited for a core ${((1 - onCpu) * 100).toFixed(0)}% of its runnable time, so the pauses are counted at their on-CPU share (${workPerSecond.toFixed(0)} of ${perSecond.toFixed(0)} ms/s wall).`
              : ''),
          evidence: {
            metrics: [{ name: 'v8js.gc.time_per_second', statistic: 'value', value: perSecond, unit: 'ms' }],
            details: {
              gcMs: w.ms,
              gcOnCpuEstimateMs: w.ms * onCpu,
              onCpuShareOfRunnable: thread ? onCpu : null,
              pauses: w.pauses,
              windowMs: wallMs,
              thresholdMsPerSecond: o.gcPressureMsPerSecond,
            },
          },
          recommendation: RECOMMENDATIONS.gcPressure,
          how: how(
            'PerformanceObserver gc entries (every entry of every batch)' +
              (thread ? `, scaled by the window's on-CPU share of runnable time (${SCHED})` : ''),
          ),
        });
      }
    }

    // Heap.
    const heap = getHeapStatistics();
    a.gauge('v8js.memory.heap.used').set(heap.used_heap_size);
    a.gauge('v8js.memory.heap.limit').set(heap.heap_size_limit);
    const opt = (unit: string, description: string) => ({ unit, description });
    a.gauge('v8js.memory.heap.total', undefined, opt('B', 'V8 heap committed (total_heap_size).')).set(
      heap.total_heap_size,
    );
    a.gauge(
      'v8js.memory.external',
      undefined,
      opt('B', 'Memory of C++ objects bound to JS (external_memory).'),
    ).set((heap as { external_memory?: number }).external_memory ?? process.memoryUsage().external);
    a.gauge(
      'v8js.memory.detached_contexts',
      undefined,
      opt('{context}', 'Detached V8 contexts (number_of_detached_contexts); growth means a leak.'),
    ).set(heap.number_of_detached_contexts);

    // RSS against the memory limit.
    const rss = process.memoryUsage.rss();
    const util = rss / limits.memory.bytes;
    a.gauge('process.memory.usage').set(rss);
    a.gauge('process.memory.utilization').set(util);
    const heapUtil = heap.used_heap_size / heap.heap_size_limit;
    if (util > o.memoryPressure || heapUtil > o.memoryPressure) {
      const which = util > o.memoryPressure ? 'rss' : 'heap';
      const share = which === 'rss' ? util : heapUtil;
      raise({
        rule: 'node.memory-pressure',
        key: which,
        area: 'backend',
        severity: share > 0.95 ? 'critical' : 'warning',
        title:
          which === 'rss'
            ? `RSS is ${(util * 100).toFixed(0)}% of the memory limit (${limits.memory.source})`
            : `V8 heap is ${(heapUtil * 100).toFixed(0)}% of heap_size_limit`,
        message: `RSS ${(rss / MB).toFixed(0)} MB of ${(limits.memory.bytes / MB).toFixed(0)} MB (${limits.memory.source}); heap ${(heap.used_heap_size / MB).toFixed(0)} MB of ${(heap.heap_size_limit / MB).toFixed(0)} MB.`,
        evidence: {
          metrics: [
            { name: 'process.memory.utilization', statistic: 'value', value: util, unit: '1' },
            { name: 'v8js.memory.heap.used', statistic: 'value', value: heap.used_heap_size, unit: 'B' },
          ],
          details: {
            rssBytes: rss,
            limitBytes: limits.memory.bytes,
            limitSource: limits.memory.source,
            heapUsedBytes: heap.used_heap_size,
            heapLimitBytes: heap.heap_size_limit,
            threshold: o.memoryPressure,
          },
        },
        recommendation: RECOMMENDATIONS.memoryPressure,
        how: how('process.memoryUsage.rss() and v8.getHeapStatistics()'),
      });
    }

    // CPU over the available CPU.
    const cpuWall = now - wallPrev;
    wallPrev = now;
    if (cpuWall > 0) {
      const cpuUtil = (cpu.user + cpu.system) / 1000 / cpuWall / limits.cpu.cpus;
      a.gauge('process.cpu.utilization').set(cpuUtil);
      cpuBusyWindows = cpuUtil > o.cpuSaturation ? cpuBusyWindows + 1 : 0;
      if (cpuBusyWindows >= o.cpuSustainedWindows) {
        raise({
          rule: 'node.cpu-saturation',
          key: 'cpu',
          area: 'backend',
          severity: cpuUtil > 0.9 ? 'critical' : 'warning',
          title: `CPU at ${(cpuUtil * 100).toFixed(0)}% of ${limits.cpu.cpus} available CPU (${limits.cpu.source})`,
          message: `Above ${o.cpuSaturation * 100}% for ${cpuBusyWindows} consecutive ${o.intervalMs} ms windows.`,
          evidence: {
            metrics: [{ name: 'process.cpu.utilization', statistic: 'value', value: cpuUtil, unit: '1' }],
            details: {
              utilization: cpuUtil,
              availableCpus: limits.cpu.cpus,
              cpuSource: limits.cpu.source,
              windows: cpuBusyWindows,
              threshold: o.cpuSaturation,
            },
          },
          recommendation: RECOMMENDATIONS.cpuSaturation,
          how: how('process.cpuUsage() deltas over wall time'),
        });
      }
    }

    checkLeak(heap.number_of_detached_contexts);
  }

  function checkLeak(detached: number): void {
    if (heapAfterGc.size < o.leak.minSamples || heapAfterGc.spanMs < o.leak.minSpanMs) return;
    const trend = heapAfterGc.trend();
    if (!trend) return;
    const mbPerMinute = (trend.slope * 60_000) / MB;
    if (!(trend.p < o.leak.pValue) || mbPerMinute < o.leak.minRateMbPerMinute) return;
    // Effect size: a significant but tiny drift (JIT code, warm caches) is not worth a finding.
    const growth = (trend.slope * heapAfterGc.spanMs) / Math.max(1, heapAfterGc.first ?? 1);
    if (growth < o.leak.minGrowth) return;
    let artifacts: string[] | undefined;
    if (o.heapSnapshotDir && !heapSnapshotTaken) {
      heapSnapshotTaken = true;
      mkdirSync(o.heapSnapshotDir, { recursive: true });
      const dir = o.heapSnapshotDir;
      artifacts = [
        selfTime.measure(() =>
          writeHeapSnapshot(join(dir, `leak-${process.pid}-${Date.now()}.heapsnapshot`)),
        ),
      ];
    }
    raise({
      rule: 'node.memory-leak',
      key: 'heap',
      area: 'backend',
      severity: mbPerMinute > 10 ? 'critical' : 'warning',
      title: `Heap after major GC grows ${mbPerMinute.toFixed(1)} MB/min`,
      message:
        `Over ${trend.n} major GCs in ${(heapAfterGc.spanMs / 1000).toFixed(0)} s the live heap grew from ` +
        `${((heapAfterGc.first ?? 0) / MB).toFixed(1)} MB to ${((heapAfterGc.last ?? 0) / MB).toFixed(1)} MB ` +
        `(linear trend, one-sided t-test p = ${trend.p.toExponential(2)}).`,
      evidence: {
        metrics: [
          { name: 'v8js.memory.heap.used', statistic: 'value', value: heapAfterGc.last ?? 0, unit: 'B' },
        ],
        ...(artifacts ? { artifacts } : {}),
        details: {
          rateMbPerMinute: mbPerMinute,
          growth,
          pValue: trend.p,
          tStatistic: Number.isFinite(trend.t) ? trend.t : 1e9,
          r2: trend.r2,
          samples: trend.n,
          spanMs: heapAfterGc.spanMs,
          detachedContexts: detached,
        },
      },
      recommendation: RECOMMENDATIONS.memoryLeak,
      how: {
        method: 'sampled',
        source: 'heap used after each major GC (PerformanceObserver), least-squares slope with a t-test',
      },
    });
  }

  const collector: NodeRuntimeCollector = {
    name: NAME,
    get stalls() {
      if (stalls) return { count: stalls.count, totalMs: stalls.totalMs, maxMs: stalls.maxMs };
      return { ...stallStats };
    },
    start(a) {
      audit = a;
      startedAt = performance.now();
      limits = { memory: memoryLimit(o.memoryLimitBytes), cpu: cpuLimit(o.availableCpus) };
      a.setRuntime({
        memoryLimitBytes: limits.memory.bytes,
        memoryLimitSource: limits.memory.source,
        cpus: limits.cpu.cpus,
      });
      const onError = (err: unknown) =>
        a.safely(NAME, () => {
          throw err;
        });
      windowClock = new ThreadClock();
      if (!windowClock.available) windowClock = undefined;
      if (o.stallCheckMs > 0) {
        // One timer measures the delay, times each stall and reads the thread's scheduler numbers at each tick.
        const source = `setInterval drift (every ${o.stallCheckMs} ms) + HTTP in-flight registry`;
        const delay = a.histogram('nodejs.eventloop.delay');
        const timeline = new LoopDelayTimeline(o.stallCheckMs);
        tickClock = windowClock ? new ThreadClock() : undefined;
        stalls = new StallDetector(
          o.stallThresholdMs,
          o.stallCheckMs,
          (s) => a.safely(NAME, () => onStall(s, source)),
          { delay: (ms) => delay.record(ms), clock: tickClock, timeline },
        );
        unregisterTimeline = registerLoopDelaySource(timeline);
      } else eld = new EventLoopDelay(o.resolutionMs);
      elu = new EventLoopUtilizationWindow();
      gc = new GcObserver(a, onMajorGc);
      if (o.cpuProfile)
        profiler = new CpuProfiler(
          o.cpuProfile.dir,
          o.cpuProfile.durationMs,
          o.cpuProfile.maxProfiles,
          onError,
        );
      cpuPrev = process.cpuUsage();
      wallPrev = performance.now();
      windowStart = wallPrev;
      timer = setInterval(() => a.safely(NAME, sample), o.intervalMs);
      timer.unref();
    },
    collect() {
      // Close the partial window so the report carries current values, unless one just closed.
      if (performance.now() - windowStart >= Math.min(100, o.intervalMs / 2)) sample();
    },
    sample() {
      sample();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      eld?.stop();
      stalls?.stop();
      unregisterTimeline?.();
      unregisterTimeline = undefined;
      tickClock?.close();
      windowClock?.close();
      tickClock = undefined;
      windowClock = undefined;
      gc?.stop();
      profiler?.stop();
      eld = undefined;
      gc = undefined;
      elu = undefined;
      profiler = undefined;
      audit = undefined;
    },
  };
  return collector;
}
