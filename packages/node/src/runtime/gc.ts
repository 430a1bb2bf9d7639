import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { Audit, HistogramHandle } from '@perf/core';

/** GC kinds as the report names them ('v8js.gc.type'). */
export type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb';

const KINDS: [number, GcKind][] = [
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
];

function kindOf(entry: PerformanceEntry): GcKind | undefined {
  const detail = (entry as { detail?: { kind?: number } }).detail;
  const k = detail?.kind ?? (entry as { kind?: number }).kind;
  for (const [bit, name] of KINDS) if (k === bit) return name;
  return undefined;
}

/**
 * GC pauses from a PerformanceObserver. Every entry of every batch is read: the observer delivers entries
 * in batches, and reading only the first of each (a common bug) loses a large share of the GC time.
 * After each major GC the heap in use is sampled: that is the baseline the leak test fits a slope to.
 */
export class GcObserver {
  private readonly observer: PerformanceObserver;
  private readonly handles = new Map<GcKind, HistogramHandle>();
  /** Pause time in the current window, ms. */
  windowMs = 0;
  windowPauses = 0;
  totalMs = 0;
  totalPauses = 0;

  constructor(
    private readonly audit: Audit,
    onMajor: (heapUsedBytes: number, at: number) => void,
  ) {
    this.observer = new PerformanceObserver((list) => {
      audit.safely('node.runtime', () => {
        let major = false;
        for (const entry of list.getEntries()) {
          const kind = kindOf(entry) ?? 'minor';
          this.handle(kind).record(entry.duration);
          this.windowMs += entry.duration;
          this.windowPauses++;
          this.totalMs += entry.duration;
          this.totalPauses++;
          if (kind === 'major') major = true;
        }
        if (major) onMajor(getHeapStatistics().used_heap_size, performance.now());
      });
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  private handle(kind: GcKind): HistogramHandle {
    let h = this.handles.get(kind);
    if (!h) {
      h = this.audit.histogram('v8js.gc.duration', { 'v8js.gc.type': kind });
      this.handles.set(kind, h);
    }
    return h;
  }

  /** GC time of the window, and resets it. */
  takeWindow(): { ms: number; pauses: number } {
    const w = { ms: this.windowMs, pauses: this.windowPauses };
    this.windowMs = 0;
    this.windowPauses = 0;
    return w;
  }

  stop(): void {
    this.observer.disconnect();
  }
}
