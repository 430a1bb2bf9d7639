import type { Knex } from 'knex';
import type { MmmData } from './fit.js';

/** Weekly spend per channel and weekly revenue of one brand, aligned by week. */
export async function loadBrandData(knex: Knex, brandId: number): Promise<MmmData> {
  const media = (await knex('weekly_media as m')
    .join('channels as c', 'c.id', 'm.channel_id')
    .where('m.brand_id', brandId)
    .groupBy('c.id', 'c.name', 'm.week')
    .orderBy(['c.id', 'm.week'])
    .select('c.id as channelId', 'c.name as channel', 'm.week as week')
    .sum({ spend: 'm.spend' })) as {
    channelId: number;
    channel: string;
    week: string;
    spend: number | string;
  }[];
  const sales = await knex('weekly_sales')
    .where({ brand_id: brandId })
    .orderBy('week')
    .select('week', 'revenue');
  const weekIndex = new Map<string, number>(sales.map((s: { week: string }, i: number) => [s.week, i]));
  const channels: string[] = [];
  const spend: number[][] = [];
  const byId = new Map<number, number>();
  for (const row of media) {
    let c = byId.get(row.channelId);
    if (c === undefined) {
      c = channels.length;
      byId.set(row.channelId, c);
      channels.push(row.channel);
      spend.push(new Array<number>(sales.length).fill(0));
    }
    const w = weekIndex.get(row.week);
    if (w !== undefined) spend[c]![w] = Number(row.spend);
  }
  return { channels, spend, revenue: sales.map((s: { revenue: number }) => Number(s.revenue)) };
}
