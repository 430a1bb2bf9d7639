import type { Audit } from '@perf/core';
import { mlJob } from '@perf/ml';
import type { Knex } from 'knex';
import { loadBrandData } from '../model/data.js';
import { fitMmm, type MmmFit, predictWeekly } from '../model/fit.js';

/** Saves a fit as a model run with per-channel contributions, which the API's scenario endpoint reads. */
async function saveRun(knex: Knex, brandId: number, fit: MmmFit, durationMs: number): Promise<void> {
  const [row] = await knex('model_runs')
    .insert({
      brand_id: brandId,
      status: 'succeeded',
      started_at: new Date().toISOString(),
      duration_ms: durationMs,
      r2: fit.r2,
    })
    .returning('id');
  const runId = typeof row === 'object' ? (row as { id: number }).id : (row as number);
  const channelIds = await knex('channels').select('id', 'name');
  const idOf = new Map(channelIds.map((c: { id: number; name: string }) => [c.name, c.id]));
  await knex.batchInsert(
    'contributions',
    fit.channels.map((c) => ({
      run_id: runId,
      channel_id: idOf.get(c.channel),
      contribution: c.contribution,
      roi: c.roi,
    })),
    100,
  );
}

/**
 * The demo's ML work, audited by @perf/ml: a media-mix fit per brand (load, preprocess, fit, save phases) and
 * a batch of budget scenarios scored with the fitted model.
 */
export async function runModelJobs(knex: Knex, audit: Audit, options: { brands: number; scenarios: number }) {
  const fits: MmmFit[] = [];
  await mlJob(audit, 'mmm-fit', { kind: 'training' }, async (job) => {
    for (let brandId = 1; brandId <= options.brands; brandId++) {
      const started = performance.now();
      const data = await job.phase('load-data', () => loadBrandData(knex, brandId));
      const scaled = await job.phase('preprocess', () => ({
        ...data,
        spend: data.spend.map((s) => s.map((v) => v / 1000)),
      }));
      const fit = await job.phase('fit', () => fitMmm(scaled));
      fits.push(fit);
      await job.phase('save', () => saveRun(knex, brandId, fit, performance.now() - started));
      job.progress(brandId, options.brands);
    }
  });
  const weeks = 104;
  const scenarios = Array.from({ length: options.scenarios }, (_, i) => ({
    brand: i % fits.length,
    weekly: fits[i % fits.length]!.channels.map((_, c) => 2 + ((i * 31 + c * 17) % 40)),
  }));
  const results = await mlJob(audit, 'budget-scenarios', { kind: 'batch' }, (job) =>
    job.batch(scenarios, (s) => predictWeekly(fits[s.brand]!, s.weekly, weeks), { concurrency: 4 }),
  );
  // Inference as the product serves it: next quarter's revenue for one brand at its current spend.
  await mlJob(audit, 'mmm-forecast', { kind: 'inference' }, async (job) => {
    const fit = await job.phase('load-artifact', () => structuredClone(fits[0]!));
    const current = fit.channels.map((c) => c.halfSat * (1 - c.decay));
    return job.phase('predict', () =>
      Array.from({ length: 13 }, () => predictWeekly(fit, current, weeks)).reduce((a, b) => a + b, 0),
    );
  });
  return { fits, scenarios: results };
}
