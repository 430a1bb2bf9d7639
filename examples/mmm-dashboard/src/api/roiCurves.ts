import type { Request, Response } from 'express';
import { weekOf } from '../db/seed.js';
import { adstock, hill } from '../model/transforms.js';
import { type ApiContext, intParam } from './context.js';

type Curve = { channel: string; points: { spend: number; revenue: number }[] };
type ChannelSpend = { name: string; spend: number[]; roi: number };

/** Monte Carlo draws over decays per budget level: sized so one brand's curves take ~190 ms of CPU. */
const DRAWS = 25;

/** One channel's revenue response over 40 budget levels (its last 52 weeks of spend): CPU-bound. */
function simulateChannel(ch: ChannelSpend): Curve {
  const mean = ch.spend.reduce((s, v) => s + v, 0) / ch.spend.length || 1;
  const points = [];
  for (let level = 1; level <= 40; level++) {
    const scaled = ch.spend.map((v) => (v * level) / 10);
    let total = 0;
    for (let d = 0; d < DRAWS; d++) {
      const stocked = adstock(scaled, 0.1 + (0.7 * d) / DRAWS);
      for (const v of stocked) total += hill(v, mean * 2) * ch.roi * mean;
    }
    points.push({ spend: (mean * level) / 10, revenue: total / DRAWS });
  }
  return { channel: ch.name, points };
}

/** The fixed way: one channel at a time, yielding to the event loop in between (~12 ms slices). */
async function simulateYielding(channels: ChannelSpend[]): Promise<Curve[]> {
  const curves: Curve[] = [];
  for (const ch of channels) {
    curves.push(simulateChannel(ch));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return curves;
}

/**
 * ROI curves per channel. Unfixed, the whole simulation (~190 ms of CPU) runs synchronously on every request
 * and blocks the event loop for everyone; fixed, it yields between channels and is memoised per brand.
 */
export function roiCurves(ctx: ApiContext) {
  const memo = new Map<number, Promise<Curve[]>>();
  return async (req: Request, res: Response) => {
    const brandId = intParam(req.params.brandId, 1);
    if (ctx.fixed) {
      let curves = memo.get(brandId);
      if (!curves) {
        curves = load(ctx, brandId).then(simulateYielding);
        memo.set(brandId, curves);
      }
      res.json(await curves);
      return;
    }
    res.json((await load(ctx, brandId)).map(simulateChannel));
  };
}

/** Weekly spend per channel of a brand's last 52 weeks. */
async function load(ctx: ApiContext, brandId: number): Promise<ChannelSpend[]> {
  const rows = (await ctx
    .knex('weekly_media as m')
    .join('channels as c', 'c.id', 'm.channel_id')
    .where('m.brand_id', brandId)
    .andWhere('m.week', '>=', weekOf(52))
    .groupBy('c.name', 'm.week')
    .orderBy(['c.name', 'm.week'])
    .select('c.name as name', 'm.week as week')
    .sum({ spend: 'm.spend' })) as { name: string; week: string; spend: number | string }[];
  const byChannel = new Map<string, number[]>();
  for (const r of rows) byChannel.set(r.name, [...(byChannel.get(r.name) ?? []), Number(r.spend)]);
  return [...byChannel].map(([name, spend]) => ({ name, spend, roi: 1.5 }));
}
