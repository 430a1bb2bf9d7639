/** Explains a SELECT on PostgreSQL and returns index advice (exposed for custom advisors and tests). */

/** Which SQL flavour and `db.system.name` a knex client has. */
export { dialectOf } from './dialect.js';
/** Query-count assertions for tests: expectQueries(knex, fn).toBeAtMost(n) and friends. */
export { type ExpectQueriesOptions, expectQueries, QueryExpectation } from './expectQueries.js';
/** Explains a SELECT on MySQL or MariaDB and returns index advice. */
export { createMysqlAdvisor } from './explain/mysql.js';
export { createPostgresAdvisor, toKnexPlaceholders } from './explain/postgres.js';
/** Columns a filter condition tests, and the CREATE INDEX suggestion built from them. */
export {
  aliasesOf,
  type PredicateColumn,
  predicateColumns,
  suggestIndex,
  whereClause,
} from './explain/predicates.js';
/** Explains a SELECT on SQLite and returns index advice. */
export { createSqliteAdvisor } from './explain/sqlite.js';
/** Types shared by the EXPLAIN advisors. */
export type {
  DialectAdvisor,
  ExplainDb,
  ExplainJob,
  ExplainSettings,
  IndexAdvice,
  RawQuery,
} from './explain/types.js';
/** SQL normalization and fingerprints. */
export {
  FingerprintCache,
  fingerprintSql,
  hashText,
  normalizeSql,
  type SqlDialect,
  type SqlShape,
} from './fingerprint.js';
/** The knex plugin. */
export { type KnexPerf, knexPerf } from './knexPerf.js';
/** Matchers for expect.extend(dbMatchers). */
export { type DbMatchers, dbMatchers } from './matchers.js';
/** Options of knexPerf and what onQuery receives. */
export type { ExplainOptions, KnexPerfOptions, QueryRecord } from './options.js';
/** PostgreSQL pg_stat_statements entries, as readStatementDigests returns them on PostgreSQL. */
export type { PgStatementDigest } from './pgStatStatements.js';
/** Uncontended pool acquires are timed one in this many, weighted (contended ones always). */
export { UNCONTENDED_STRIDE } from './poolMetrics.js';
/**
 * Server statement statistics (MySQL/MariaDB performance_schema digests, PostgreSQL pg_stat_statements), joined to
 * client fingerprints; says why when off.
 */
export {
  readStatementDigests,
  type StatementDigest,
  type StatementDigestOptions,
  type StatementDigestResult,
} from './serverDigests.js';
/** Server time per client fingerprint from a readStatementDigests result, on any engine. */
export {
  type ServerStatement,
  type ServerTime,
  type ServerTimeSource,
  serverTimeByFingerprint,
} from './serverStatements.js';
