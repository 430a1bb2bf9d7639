import type { Knex } from 'knex';

/** What every route handler gets: the database, whether the audit's problems are fixed, and shared caches. */
export interface ApiContext {
  knex: Knex;
  fixed: boolean;
}

/** Reads a positive integer route or query parameter, or the fallback. */
export function intParam(value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number.parseInt(String(value ?? ''), 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, max) : fallback;
}
