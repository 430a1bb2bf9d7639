import { type Audit, type CounterHandle, Histogram, type HistogramHandle } from '@perf/core';
import { STATUS_CLASSES } from './statusClass.js';

interface ClassHandles {
  duration: HistogramHandle;
  requests: CounterHandle;
  size: HistogramHandle;
}

/**
 * Everything known about one method + route: the audit's handles per status class (looked up once, not per
 * request) and the counts the findings read. Latency lives only in the audit's series.
 */
export class RouteStats {
  readonly byClass = [0, 0, 0, 0, 0];
  total = 0;
  uncompressed = 0;
  uncompressedMaxBytes = 0;
  uncompressedType = '';
  /** Large compressible responses sent as identity to requests that allowed no compression (not a finding). */
  uncompressedUnasked = 0;
  /** The compressions the requests behind `uncompressed` allowed. */
  readonly uncompressedAccepted = new Set<string>();
  /** Request time summed over every request of the route, ms. */
  timeMs = 0;
  /** Request time above the slow-endpoint budget, summed, ms: what meeting the budget would save. */
  overBudgetMs = 0;
  large = 0;
  /** Counts at the previous collect(), so a finding repeats only when new evidence arrived. */
  uncompressedSeen = 0;
  largeSeen = 0;
  largeMaxBytes = 0;
  /** `total` at the previous collect(), so findings are raised only for windows with new requests. */
  seenTotal = 0;
  private readonly handles: (ClassHandles | undefined)[] = [
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
  ];

  constructor(
    private readonly audit: Audit,
    readonly method: string,
    readonly route: string,
  ) {}

  /** The audit's handles for a status class, created on first use. */
  handlesFor(classIndex: number): ClassHandles {
    let h = this.handles[classIndex];
    if (h) return h;
    const attrs = {
      'http.request.method': this.method,
      'http.route': this.route,
      'http.status_class': STATUS_CLASSES[classIndex]!,
    };
    h = {
      duration: this.audit.histogram('http.server.request.duration', attrs),
      requests: this.audit.counter('http.server.requests', attrs),
      size: this.audit.histogram('http.server.response.body.size', attrs),
    };
    this.handles[classIndex] = h;
    return h;
  }

  /**
   * The route's latency over every status class, merged exactly from the audit's series. Past the cardinality
   * cap a class shares the overflow series with other routes, and this reads that mix.
   */
  latency(): Histogram {
    const merged = new Histogram();
    for (const h of this.handles) h?.duration.mergeInto(merged);
    return merged;
  }
}
