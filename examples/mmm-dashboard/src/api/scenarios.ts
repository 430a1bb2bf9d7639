import type { Request, Response } from 'express';
import { type ApiContext, intParam } from './context.js';

/** What the scenario endpoint caches: the predicted revenue of a budget, split by channel ROI. */
export interface ScenarioResult {
  budget: number;
  predictedRevenue: number;
  allocation: { channelId: number; share: number }[];
}

/** The Map-like cache the endpoint uses; the app passes one instrumented by @perf/node. */
export type ScenarioCache = Pick<Map<string, ScenarioResult>, 'get' | 'set'>;

/**
 * Predicts revenue for a budget from the latest model run's channel ROI. Unfixed, the cache key carries a
 * timestamp, so the cache is never hit (the problem the audit should find); fixed, brand + budget.
 */
export function scenarios(ctx: ApiContext, cache: ScenarioCache) {
  return async (req: Request, res: Response) => {
    const brandId = intParam(req.params.brandId, 1);
    const budget = intParam(req.query.budget, 100_000, 1e9);
    const key = ctx.fixed ? `${brandId}:${budget}` : `${brandId}:${budget}:${Date.now()}:${Math.random()}`;
    const hit = cache.get(key);
    if (hit) {
      res.json(hit);
      return;
    }
    const run = await ctx.knex('model_runs').where({ brand_id: brandId }).orderBy('id', 'desc').first('id');
    const contrib = run
      ? await ctx.knex('contributions').where({ run_id: run.id }).select('channel_id', 'roi')
      : [];
    const totalRoi = contrib.reduce((s: number, c: { roi: number }) => s + Math.max(0, c.roi), 0) || 1;
    const allocation = contrib.map((c: { channel_id: number; roi: number }) => ({
      channelId: c.channel_id,
      share: Math.max(0, c.roi) / totalRoi,
    }));
    const predictedRevenue = allocation.reduce(
      (s: number, a: { share: number }, i: number) => s + a.share * budget * Math.max(0, contrib[i].roi),
      0,
    );
    const result = { budget, predictedRevenue, allocation };
    cache.set(key, result);
    res.json(result);
  };
}
