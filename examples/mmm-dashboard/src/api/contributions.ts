import type { Request, Response } from 'express';
import { type ApiContext, intParam } from './context.js';

/**
 * Spend, impressions and clicks per channel for a brand. Unfixed, it runs one query per channel (the N+1 the
 * audit should find); fixed, one GROUP BY.
 */
export function contributions(ctx: ApiContext) {
  return async (req: Request, res: Response) => {
    const brandId = intParam(req.params.brandId, 1);
    const { knex } = ctx;
    if (ctx.fixed) {
      const rows = await knex('weekly_media as m')
        .join('channels as c', 'c.id', 'm.channel_id')
        .where('m.brand_id', brandId)
        .groupBy('c.id', 'c.name')
        .select('c.id', 'c.name')
        .sum({ spend: 'm.spend', impressions: 'm.impressions', clicks: 'm.clicks' });
      res.json(rows);
      return;
    }
    const channels = await knex('channels').select('id', 'name');
    const rows = [];
    for (const ch of channels) {
      const [totals] = await knex('weekly_media')
        .where({ brand_id: brandId, channel_id: ch.id })
        .sum({ spend: 'spend', impressions: 'impressions', clicks: 'clicks' });
      rows.push({ id: ch.id, name: ch.name, ...totals });
    }
    res.json(rows);
  };
}
