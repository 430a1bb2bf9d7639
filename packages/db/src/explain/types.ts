import type { SqlShape } from '../fingerprint.js';

/** Runs SQL for the advisor; every call goes through knex.raw with the statement's own bindings. */
export type RawQuery = (sql: string, bindings?: readonly unknown[]) => Promise<unknown>;

/** How the advisor reaches the database: on its own pooled connection, never the app's transaction. */
export interface ExplainDb {
  /** A statement outside any transaction. */
  raw: RawQuery;
  /** Runs `fn` in a READ ONLY transaction (rolled back or committed with nothing written). */
  readOnly<T>(fn: (raw: RawQuery) => Promise<T>): Promise<T>;
}

/** One statement to explain. */
export interface ExplainJob {
  shape: SqlShape;
  /** The SQL as knex sent it (placeholders, no values). */
  sql: string;
  bindings: readonly unknown[];
  /** The request ('GET /route') or scope the statement ran under, if any. */
  route?: string | undefined;
  /** Where the app built the statement, if captured. */
  site?: Error | undefined;
}

/** Settings each dialect's advisor receives. */
export interface ExplainSettings {
  minTableRows: number;
  timeoutMs: number;
}

/** A table the plan reads in full while filtering on columns an index could serve. */
export interface IndexAdvice {
  table: string;
  columns: string[];
  /** Rows the scan examines (the table's rows: an estimate, or a count bounded at minTableRows). */
  estimatedRows: number | undefined;
  /** Whether estimatedRows is a bound reached (the table holds at least that many rows). */
  rowsAtLeast?: boolean;
  /** The columns among `columns` the statement joins the table on. */
  joinColumns?: string[];
  /** The plan step, with no values: 'SCAN orders', 'Seq Scan on orders', 'access_type ALL on orders'. */
  planStep: string;
  /** The suggested statement. */
  createIndex: string;
  /** Where the advice comes from, for the finding's `how`. */
  source: string;
}

/** A dialect's advisor: EXPLAIN the job and return what it would index. */
export type DialectAdvisor = (
  job: ExplainJob,
  db: ExplainDb,
  settings: ExplainSettings,
) => Promise<IndexAdvice[]>;
