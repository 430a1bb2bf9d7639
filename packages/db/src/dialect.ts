import type { SqlDialect } from './fingerprint.js';

/** What the plugin needs from a knex client to pick its SQL flavour. */
export interface ClientIdentity {
  dialect?: string;
  driverName?: string;
}

/** The normalizer dialect and OpenTelemetry `db.system.name` of a knex client. */
export function dialectOf(client: ClientIdentity): { dialect: SqlDialect; system: string } {
  const driver = String(client.driverName ?? '');
  const dialect = String(client.dialect ?? '');
  if (dialect === 'postgresql' || dialect === 'redshift' || driver === 'pg' || driver === 'cockroachdb') {
    return {
      dialect: 'postgresql',
      system: driver === 'cockroachdb' ? 'cockroachdb' : dialect === 'redshift' ? 'redshift' : 'postgresql',
    };
  }
  if (dialect === 'mysql' || driver.startsWith('mysql') || driver === 'mariadb') {
    return { dialect: 'mysql', system: driver === 'mariadb' ? 'mariadb' : 'mysql' };
  }
  if (dialect.startsWith('sqlite') || driver.includes('sqlite'))
    return { dialect: 'sqlite', system: 'sqlite' };
  return { dialect: 'generic', system: dialect || driver || 'other_sql' };
}
