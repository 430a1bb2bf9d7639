import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';

/** The SQLite file used when no DATABASE_URL is set (embedded default, shared by the demo's processes). */
export const DEFAULT_SQLITE = process.env.MMM_SQLITE ?? join(tmpdir(), 'perf-audit-mmm.sqlite');

/**
 * A knex for DATABASE_URL (mysql://, mariadb://, postgres://) or, without one, the embedded SQLite file.
 * Pools are small on purpose: pool waits are part of what the audit measures.
 */
export function connect(url = process.env.DATABASE_URL): Knex {
  if (!url) {
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: DEFAULT_SQLITE },
      useNullAsDefault: true,
      pool: { min: 1, max: 4 },
    });
  }
  const client = /^(mysql|mariadb):/.test(url) ? 'mysql2' : /^postgres(ql)?:/.test(url) ? 'pg' : undefined;
  if (!client)
    throw new Error(
      `DATABASE_URL must start with mysql://, mariadb:// or postgres://, got ${url.split(':')[0]}:`,
    );
  return knexFactory({ client, connection: url.replace(/^mariadb:/, 'mysql:'), pool: { min: 1, max: 8 } });
}
