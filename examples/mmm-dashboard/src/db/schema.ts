import type { Knex } from 'knex';

export const CHANNELS = [
  'TV',
  'Search',
  'Social',
  'Display',
  'Video',
  'Radio',
  'OOH',
  'Email',
  'Affiliate',
  'Print',
  'Podcast',
  'Retail Media',
];
export const BRANDS = [
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Tailspin',
  'Litware',
  'Adventure Works',
  'Proseware',
  'Wingtip',
];
export const REGIONS = ['North', 'Central', 'South'];

/**
 * The MMM tables. `fixed` adds the index on weekly_media.week that the unfixed app lacks on purpose
 * (the "query on an unindexed column" problem the audit should find).
 */
export async function createSchema(knex: Knex, fixed: boolean): Promise<void> {
  for (const t of [
    'scenarios',
    'contributions',
    'model_runs',
    'weekly_sales',
    'weekly_media',
    'channels',
    'brands',
  ]) {
    await knex.schema.dropTableIfExists(t);
  }
  await knex.schema.createTable('brands', (t) => {
    t.increments('id').primary();
    t.string('name', 64).notNullable();
  });
  await knex.schema.createTable('channels', (t) => {
    t.increments('id').primary();
    t.string('name', 64).notNullable();
    t.string('kind', 16).notNullable();
  });
  await knex.schema.createTable('weekly_media', (t) => {
    t.increments('id').primary();
    t.integer('brand_id').notNullable();
    t.integer('channel_id').notNullable();
    t.string('region', 16).notNullable();
    t.string('week', 10).notNullable();
    t.double('spend').notNullable();
    t.integer('impressions').notNullable();
    t.integer('clicks').notNullable();
    t.index(['brand_id', 'channel_id'], 'idx_media_brand_channel');
    if (fixed) t.index(['week'], 'idx_media_week');
  });
  await knex.schema.createTable('weekly_sales', (t) => {
    t.increments('id').primary();
    t.integer('brand_id').notNullable();
    t.string('week', 10).notNullable();
    t.double('revenue').notNullable();
    t.integer('units').notNullable();
    t.index(['brand_id', 'week'], 'idx_sales_brand_week');
  });
  await knex.schema.createTable('model_runs', (t) => {
    t.increments('id').primary();
    t.integer('brand_id').notNullable();
    t.string('status', 16).notNullable();
    t.string('started_at', 32).notNullable();
    t.double('duration_ms').notNullable();
    t.double('r2').notNullable();
    t.index(['brand_id'], 'idx_runs_brand');
  });
  await knex.schema.createTable('contributions', (t) => {
    t.increments('id').primary();
    t.integer('run_id').notNullable();
    t.integer('channel_id').notNullable();
    t.double('contribution').notNullable();
    t.double('roi').notNullable();
    t.index(['run_id'], 'idx_contrib_run');
  });
  await knex.schema.createTable('scenarios', (t) => {
    t.increments('id').primary();
    t.integer('run_id').notNullable();
    t.string('name', 64).notNullable();
    t.double('budget').notNullable();
    t.double('predicted_revenue').notNullable();
  });
}
