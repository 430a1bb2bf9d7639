import type { Audit, HistogramHandle } from '@perf/core';
import { appFrames } from './callSite.js';
import type { ResolvedOptions } from './options.js';
import type { Scope } from './scope.js';

/** The fields of knex's query event the tracker reads. */
export interface TxEvent {
  __knexUid?: string;
  __knexTxId?: string;
  sql?: string;
}

/** One open transaction, keyed by its connection (knex runs every statement of it there). */
export interface TxRecord {
  txId: string;
  start: number;
  queries: number;
  scope: Scope;
  site: Error | undefined;
}

const BEGIN = /^\s*(?:BEGIN|START TRANSACTION)\b/i;
const COMMIT = /^\s*COMMIT\b/i;
const ROLLBACK = /^\s*ROLLBACK\s*;?\s*$/i;
const OTHER_CONTROL = /^\s*(?:SAVEPOINT|RELEASE|ROLLBACK TO|SET TRANSACTION|SET LOCAL TRANSACTION)\b/i;
const MAX_OPEN = 1000;

/** What opening a transaction needs from the plugin. */
export interface TxDeps {
  audit: Audit;
  system: string;
  options: ResolvedOptions;
  /** A scope for a new transaction; gets the enclosing scope's name (route or explicit) when there is one. */
  newScope(): Scope;
  /** Called with the transaction's scope when it ends, to evaluate it. */
  onEnd(scope: Scope): void;
}

/**
 * Transactions seen passively in knex's own events: BEGIN, COMMIT and ROLLBACK carry `__knexTxId` and the
 * connection id, so duration and statements per transaction need no wrapping. Nested transactions are
 * savepoints on the same connection and count toward their outer transaction.
 */
export class TransactionTracker {
  private readonly open = new Map<string, TxRecord>();
  private readonly durations = new Map<string, HistogramHandle>();
  private readonly queryCounts: HistogramHandle;
  evicted = 0;

  constructor(private readonly deps: TxDeps) {
    this.queryCounts = deps.audit.histogram(
      'db.client.transaction.queries',
      { 'db.system.name': deps.system },
      {
        area: 'database',
        unit: '{query}',
        description: 'Statements per transaction (BEGIN/COMMIT excluded).',
      },
    );
  }

  /** Open transactions right now. */
  get openCount(): number {
    return this.open.size;
  }

  /** Handles a statement without a query uid; returns false when it is not transaction control. */
  control(e: TxEvent, now: number, site: Error | undefined): boolean {
    const sql = e.sql ?? '';
    const conn = e.__knexUid;
    if (!e.__knexTxId || !conn) return OTHER_CONTROL.test(sql);
    if (BEGIN.test(sql)) {
      if (!this.open.has(conn)) {
        if (this.open.size >= MAX_OPEN) {
          const [oldest] = this.open.keys();
          if (oldest !== undefined) this.open.delete(oldest);
          this.evicted++;
        }
        this.open.set(conn, {
          txId: e.__knexTxId,
          start: now,
          queries: 0,
          scope: this.deps.newScope(),
          site,
        });
      }
      return true;
    }
    const outcome = COMMIT.test(sql) ? 'commit' : ROLLBACK.test(sql) ? 'rollback' : undefined;
    if (outcome) {
      const rec = this.open.get(conn);
      if (rec) {
        this.open.delete(conn);
        this.finish(rec, outcome, now);
      }
      return true;
    }
    return OTHER_CONTROL.test(sql);
  }

  /** The open transaction a statement belongs to, if it runs on a transaction's connection. */
  recordFor(e: TxEvent): TxRecord | undefined {
    if (!e.__knexTxId || !e.__knexUid) return undefined;
    return this.open.get(e.__knexUid);
  }

  /** Whether every connection in use is held by an open transaction. */
  holdsAll(used: number): boolean {
    return used > 0 && this.open.size >= used;
  }

  /** Evaluates the scopes of transactions still open (on close), without timing them. */
  endAll(): void {
    for (const rec of this.open.values()) this.deps.onEnd(rec.scope);
    this.open.clear();
  }

  private finish(rec: TxRecord, outcome: string, now: number): void {
    const { audit, system, options } = this.deps;
    const ms = now - rec.start;
    let h = this.durations.get(outcome);
    if (!h) {
      h = audit.histogram('db.client.transaction.duration', {
        'db.system.name': system,
        'db.transaction.outcome': outcome,
      });
      this.durations.set(outcome, h);
    }
    h.record(ms);
    this.queryCounts.record(rec.queries);
    this.deps.onEnd(rec.scope);
    if (ms > options.longTransactionMs) this.reportLong(rec, ms, outcome);
  }

  private reportLong(rec: TxRecord, ms: number, outcome: string): void {
    const { audit, system, options } = this.deps;
    const frames = appFrames(rec.site);
    if (options.suppressCallSites.some((s) => frames.some((f) => f.includes(s)))) return;
    const where = frames[0] ?? rec.scope.name;
    audit.finding({
      rule: 'db.long-transaction',
      key: where,
      area: 'database',
      severity: ms > 10 * options.longTransactionMs ? 'critical' : 'warning',
      title: `Transaction open for ${Math.round(ms)} ms (${rec.queries} statements) at ${where}`,
      message:
        `A transaction stayed open ${Math.round(ms)} ms (over ${options.longTransactionMs} ms) and ended with ${outcome}. ` +
        'While open it holds a pooled connection and its row locks, so other requests wait.',
      evidence: {
        metrics: [
          {
            name: 'db.client.transaction.duration',
            attributes: { 'db.system.name': system },
            value: ms,
            unit: 'ms',
          },
        ],
        ...(frames.length ? { stack: frames } : {}),
        attributes: {
          'db.system.name': system,
          ...(rec.scope.route ? { 'http.route': rec.scope.route } : {}),
        },
        details: {
          durationMs: Math.round(ms * 1000) / 1000,
          statements: rec.queries,
          outcome,
          scope: rec.scope.name,
        },
      },
      recommendation:
        'Keep transactions short: do reads, computation and external calls before BEGIN, hold locks only for the ' +
        'writes, and split batch work into smaller transactions.',
      how: { method: 'exact', source: 'knex BEGIN/COMMIT/ROLLBACK query events' },
    });
  }
}
