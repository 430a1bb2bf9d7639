import type { Request, Response } from 'express';
import { type ApiContext, intParam } from './context.js';

/**
 * Media rows of one week across brands. The unfixed schema has no index on `week`, so this scans the table
 * (the missing index the audit should find); the fixed schema has idx_media_week.
 */
export function mediaByWeek(ctx: ApiContext) {
  return async (req: Request, res: Response) => {
    const week = typeof req.query.week === 'string' ? req.query.week : '2023-03-06';
    const rows = await ctx
      .knex('weekly_media')
      .where({ week })
      .select('brand_id', 'channel_id', 'region', 'spend');
    res.json({ week, rows });
  };
}

/**
 * A brand's media listing. Unfixed, it returns every row (thousands: the unpaginated listing); fixed, a page
 * of at most 100 with a cursor.
 */
export function mediaListing(ctx: ApiContext) {
  return async (req: Request, res: Response) => {
    const brandId = intParam(req.params.brandId, 1);
    const q = ctx
      .knex('weekly_media')
      .where({ brand_id: brandId })
      .orderBy('id')
      .select('id', 'channel_id', 'region', 'week', 'spend', 'impressions');
    if (!ctx.fixed) {
      res.json(await q);
      return;
    }
    const limit = intParam(req.query.limit, 100, 100);
    const after = intParam(req.query.after, 0);
    const rows = await q.andWhere('id', '>', after).limit(limit);
    res.json({ rows, next: rows.length === limit ? rows[rows.length - 1]?.id : null });
  };
}
