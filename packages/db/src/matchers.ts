import type { QueryExpectation } from './expectQueries.js';

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** The assertions `dbMatchers` adds to expect(); the received value is what expectQueries resolves to. */
export interface DbMatchers<R = unknown> {
  /** At most `n` queries ran. */
  toHaveAtMostQueries(n: number): R;
  /** No N+1 (reads or single-row writes) ran. */
  toHaveNoNPlusOne(): R;
  /** Exactly these fingerprints (or SQL statements) ran. */
  toMatchFingerprints(expected: readonly string[]): R;
}

function check(received: unknown, assertion: (e: QueryExpectation) => void, negated: string): MatcherResult {
  const e = received as QueryExpectation;
  if (!e || typeof e.toBeAtMost !== 'function') {
    return { pass: false, message: () => 'expected the value expectQueries(knex, fn) resolves to' };
  }
  try {
    assertion(e);
    return { pass: true, message: () => `${negated}\nqueries:\n${e.describe()}` };
  } catch (err) {
    return { pass: false, message: () => (err as Error).message };
  }
}

/** Matchers for vitest's or jest's `expect.extend(dbMatchers)`. */
export const dbMatchers = {
  toHaveAtMostQueries(received: unknown, n: number): MatcherResult {
    return check(received, (e) => e.toBeAtMost(n), `expected more than ${n} queries`);
  },
  toHaveNoNPlusOne(received: unknown): MatcherResult {
    return check(received, (e) => e.toHaveNoNPlusOne(), 'expected an N+1, but there was none');
  },
  toMatchFingerprints(received: unknown, expected: readonly string[]): MatcherResult {
    return check(received, (e) => e.toMatchFingerprints(expected), 'expected the fingerprints not to match');
  },
};
