import type { Knex } from 'knex';
import { adstock, hill } from '../model/transforms.js';
import { gaussian, seeded } from './random.js';
import { BRANDS, CHANNELS, REGIONS } from './schema.js';

export interface SeedSize {
  brands: number;
  weeks: number;
}

/** Monday of week `i` counted from 2022-01-03, as YYYY-MM-DD. */
export function weekOf(i: number): string {
  return new Date(Date.UTC(2022, 0, 3 + 7 * i)).toISOString().slice(0, 10);
}

/**
 * Seeds brands x channels x regions x weeks of spend, impressions and clicks, and weekly revenue generated from
 * a known media-mix model (adstock + Hill saturation per channel), so the fit has a true answer to find.
 */
export async function seed(
  knex: Knex,
  size: SeedSize = { brands: 8, weeks: 104 },
): Promise<{ mediaRows: number }> {
  const rand = seeded(20261127);
  await knex.batchInsert(
    'brands',
    BRANDS.slice(0, size.brands).map((name) => ({ name })),
    100,
  );
  await knex.batchInsert(
    'channels',
    CHANNELS.map((name, i) => ({ name, kind: i < 7 ? 'paid' : 'owned' })),
    100,
  );
  const media: Record<string, unknown>[] = [];
  const sales: Record<string, unknown>[] = [];
  for (let b = 1; b <= size.brands; b++) {
    const brandScale = 0.6 + rand();
    const weeklyTotal = new Array<number>(size.weeks).fill(0);
    const channelSpend: number[][] = [];
    for (let c = 1; c <= CHANNELS.length; c++) {
      const level = (2000 + 12000 * rand()) * brandScale;
      const spend: number[] = [];
      for (let w = 0; w < size.weeks; w++) {
        const season = 1 + 0.35 * Math.sin((2 * Math.PI * w) / 52 + c);
        const burst = rand() < 0.12 ? 1.8 : 1;
        let weekSpend = 0;
        for (const region of REGIONS) {
          const s = Math.max(
            0,
            level * season * burst * (0.7 + 0.6 * rand()) * (region === 'North' ? 1.2 : 1),
          );
          const impressions = Math.round(s * (40 + 30 * rand()));
          media.push({
            brand_id: b,
            channel_id: c,
            region,
            week: weekOf(w),
            spend: Math.round(s * 100) / 100,
            impressions,
            clicks: Math.round(impressions * (0.002 + 0.02 * rand())),
          });
          weekSpend += s;
        }
        spend.push(weekSpend);
      }
      channelSpend.push(spend);
    }
    // Revenue from the true model: the fit should recover roughly these decays and effects.
    channelSpend.forEach((spend, ci) => {
      const decay = 0.1 + (0.6 * ((ci * 7) % 10)) / 10;
      const stocked = adstock(spend, decay);
      const half = stocked.reduce((s, v) => s + v, 0) / stocked.length;
      const effect = (20000 + (60000 * ((ci * 3) % 7)) / 7) * brandScale;
      stocked.forEach((v, w) => {
        weeklyTotal[w]! += effect * hill(v, half);
      });
    });
    for (let w = 0; w < size.weeks; w++) {
      const revenue = 150000 * brandScale + weeklyTotal[w]! + 8000 * gaussian(rand);
      sales.push({
        brand_id: b,
        week: weekOf(w),
        revenue: Math.round(revenue),
        units: Math.round(revenue / 35),
      });
    }
  }
  await knex.batchInsert('weekly_media', media, 400);
  await knex.batchInsert('weekly_sales', sales, 400);
  return { mediaRows: media.length };
}
