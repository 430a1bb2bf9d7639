import type { SqlShape } from './fingerprint.js';
import { SequentialTracker } from './sequentialQueries.js';

/** Where a scope comes from, in priority order: explicit `perf.scope`, a transaction, an HTTP request. */
export type ScopeKind = 'explicit' | 'transaction' | 'request';

/** What one scope knows about one fingerprint. */
export interface FingerprintTally {
  shape: SqlShape;
  count: number;
  totalMs: number;
  /** Executions that wrote a single row (INSERT of one VALUES row, UPDATE/DELETE touching <= 1 row). */
  singleRowWrites: number;
  singleRowWriteMs: number;
  /** The first captured call site of this fingerprint in the scope. */
  site: Error | undefined;
  /** Values in the longest IN list among its executions (a chunked batch load when large). */
  inListMax: number;
}

/** Settings a scope needs; fixed per plugin instance. */
export interface ScopeLimits {
  maxFingerprints: number;
  sequentialMinQueries: number;
  sequentialMinTotalMs: number;
  /** Executions after which a fingerprint without a call site asks for one (threshold - 1). */
  hotCount: number;
}

/**
 * One unit of work (a request, a transaction, a `scope()` call) and the queries it ran, in bounded memory:
 * at most `maxFingerprints` tallies; further fingerprints only count as dropped.
 */
export class Scope {
  readonly fingerprints = new Map<string, FingerprintTally>();
  readonly sequential: SequentialTracker;
  queries = 0;
  /** Summed time of the scope's finished queries, ms. */
  totalMs = 0;
  droppedFingerprints = 0;
  captures = 0;
  /** Set when a repeated statement still lacks a call site: the next builders of the scope capture one. */
  wantSites = false;
  inflight = 0;
  lastActive: number;
  ended = false;

  constructor(
    readonly kind: ScopeKind,
    /** Scope name: the explicit name, 'METHOD /route', or the transaction's enclosing scope name. */
    readonly name: string,
    /** The HTTP route when the scope belongs to a request. */
    readonly route: string | undefined,
    private readonly limits: ScopeLimits,
    now: number,
  ) {
    this.lastActive = now;
    this.sequential = new SequentialTracker(limits.sequentialMinQueries, limits.sequentialMinTotalMs);
  }

  /** Records one finished query. */
  record(shape: SqlShape, ms: number, singleRowWrite: boolean, site: Error | undefined): void {
    this.queries++;
    this.totalMs += ms;
    let t = this.fingerprints.get(shape.fingerprint);
    if (!t) {
      if (this.fingerprints.size >= this.limits.maxFingerprints) {
        this.droppedFingerprints++;
        return;
      }
      t = {
        shape,
        count: 0,
        totalMs: 0,
        singleRowWrites: 0,
        singleRowWriteMs: 0,
        site: undefined,
        inListMax: 0,
      };
      this.fingerprints.set(shape.fingerprint, t);
    }
    t.count++;
    t.totalMs += ms;
    if (shape.inListMax > t.inListMax) t.inListMax = shape.inListMax;
    if (singleRowWrite) {
      t.singleRowWrites++;
      t.singleRowWriteMs += ms;
    }
    if (!t.site && site) {
      t.site = site;
      this.wantSites = false;
    } else if (!t.site && t.count >= this.limits.hotCount) this.wantSites = true;
  }
}
