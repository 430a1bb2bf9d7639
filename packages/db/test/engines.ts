import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { requireService } from '../../../test-support/services.js';

/** The three engines the suite runs against. */
export type EngineName = 'sqlite' | 'mariadb' | 'postgresql';

export interface Engine {
  name: EngineName;
  available: boolean;
  make(overrides?: Partial<Knex.Config>): Knex;
}

const sqliteFile = join(tmpdir(), `perf-db-test-${process.pid}.sqlite`);
process.once('exit', () => rmSync(sqliteFile, { force: true }));

const configs: Record<EngineName, Knex.Config> = {
  // A file, not :memory:, so a second knex (a small pool) sees the same tables.
  sqlite: {
    client: 'better-sqlite3',
    connection: { filename: sqliteFile },
    useNullAsDefault: true,
  },
  mariadb: {
    client: 'mysql2',
    connection: { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' },
  },
  postgresql: {
    client: 'pg',
    connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' },
  },
};

const howToStart: Record<EngineName, string> = {
  sqlite: 'pnpm install (better-sqlite3 builds from source)',
  mariadb: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
  postgresql: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
};

/** A knex for the engine, with optional pool/config overrides. */
export function makeKnex(name: EngineName, overrides: Partial<Knex.Config> = {}): Knex {
  return knexFactory({ ...configs[name], ...overrides });
}

/** Probes the engine through requireService (CI=true: unreachable fails the run). */
export async function engine(name: EngineName): Promise<Engine> {
  const label = name === 'sqlite' ? 'SQLite (better-sqlite3)' : name === 'mariadb' ? 'MariaDB' : 'PostgreSQL';
  const available = await requireService(
    label,
    async () => {
      const k = makeKnex(name, { acquireConnectionTimeout: 3000 });
      try {
        await k.raw('select 1');
      } finally {
        await k.destroy();
      }
    },
    howToStart[name],
  );
  return { name, available, make: (o) => makeKnex(name, o) };
}

let seq = 0;
/** A table name no other run or test uses. */
export function uniqueTable(prefix: string): string {
  return `perf_${prefix}_${process.pid}_${Date.now().toString(36)}_${++seq}`;
}

/** Creates `table` (id, user_id, status, email) with `rows` rows, inserted in chunks. */
export async function createOrders(knex: Knex, table: string, rows: number): Promise<void> {
  await knex.schema.dropTableIfExists(table);
  await knex.schema.createTable(table, (t) => {
    t.increments('id');
    t.integer('user_id');
    t.string('status', 20);
    t.string('email', 100);
  });
  const chunk = 500;
  for (let i = 0; i < rows; i += chunk) {
    const batch = [];
    for (let j = i; j < Math.min(rows, i + chunk); j++) {
      batch.push({ user_id: j % 500, status: j % 3 === 0 ? 'open' : 'closed', email: `u${j}@example.com` });
    }
    await knex(table).insert(batch);
  }
}
