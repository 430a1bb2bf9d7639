import type { Request, Response } from 'express';
import { type ApiContext, intParam } from './context.js';

/** A brand's model-run history, newest first, paginated. */
export function modelRuns(ctx: ApiContext) {
  return async (req: Request, res: Response) => {
    const brandId = intParam(req.params.brandId, 1);
    const limit = intParam(req.query.limit, 20, 100);
    res.json(await ctx.knex('model_runs').where({ brand_id: brandId }).orderBy('id', 'desc').limit(limit));
  };
}

/** Brands for the dashboard's picker. */
export function brands(ctx: ApiContext) {
  return async (_req: Request, res: Response) => {
    res.json(await ctx.knex('brands').select('id', 'name').orderBy('id'));
  };
}
