import { ridge, rSquared } from './linalg.js';
import { adstock, hill } from './transforms.js';

/** Weekly spend per channel (rows: channels) and weekly revenue for one brand. */
export interface MmmData {
  channels: string[];
  spend: number[][];
  revenue: number[];
}

export interface ChannelFit {
  channel: string;
  decay: number;
  halfSat: number;
  /** Revenue at full saturation. */
  effect: number;
  contribution: number;
  roi: number;
}

export interface MmmFit {
  intercept: number;
  channels: ChannelFit[];
  r2: number;
  iterations: number;
  /** Loss after each coordinate-descent sweep, for convergence reporting. */
  lossHistory: number[];
}

const DECAYS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

function features(data: MmmData, decays: number[]): { x: number[][]; halfSats: number[] } {
  const weeks = data.revenue.length;
  const cols = data.spend.map((s, c) => adstock(s, decays[c]!));
  const halfSats = cols.map((col) => col.reduce((a, v) => a + v, 0) / col.length);
  const x = Array.from({ length: weeks }, (_, w) => [
    1,
    ...cols.map((col, c) => hill(col[w]!, halfSats[c]!)),
  ]);
  return { x, halfSats };
}

function loss(
  data: MmmData,
  decays: number[],
  lambda: number,
): { sse: number; beta: number[]; halfSats: number[]; yhat: number[] } {
  const { x, halfSats } = features(data, decays);
  const beta = ridge(x, data.revenue, lambda);
  const yhat = x.map((row) => row.reduce((s, v, i) => s + v * beta[i]!, 0));
  const sse = yhat.reduce((s, v, i) => s + (v - data.revenue[i]!) ** 2, 0);
  return { sse, beta, halfSats, yhat };
}

/**
 * Fits adstock decay per channel by coordinate descent over a grid, with a ridge regression of revenue on the
 * saturated, adstocked spend at each step; stops when a sweep improves the loss by less than `tolerance`.
 */
export function fitMmm(
  data: MmmData,
  options: { maxSweeps?: number; tolerance?: number; lambda?: number } = {},
): MmmFit {
  const lambda = options.lambda ?? 1e-3;
  const decays = data.channels.map(() => 0.3);
  let best = loss(data, decays, lambda);
  const lossHistory = [best.sse];
  let iterations = 0;
  for (let sweep = 0; sweep < (options.maxSweeps ?? 8); sweep++) {
    iterations++;
    for (let c = 0; c < decays.length; c++) {
      for (const d of DECAYS) {
        if (d === decays[c]) continue;
        const trial = decays.slice();
        trial[c] = d;
        const l = loss(data, trial, lambda);
        if (l.sse < best.sse) {
          best = l;
          decays[c] = d;
        }
      }
    }
    const prev = lossHistory[lossHistory.length - 1]!;
    lossHistory.push(best.sse);
    if ((prev - best.sse) / prev < (options.tolerance ?? 1e-4)) break;
  }
  const weeks = data.revenue.length;
  const channels = data.channels.map((channel, c) => {
    const stocked = adstock(data.spend[c]!, decays[c]!);
    const contribution = stocked.reduce((s, v) => s + best.beta[c + 1]! * hill(v, best.halfSats[c]!), 0);
    const spent = data.spend[c]!.reduce((s, v) => s + v, 0);
    return {
      channel,
      decay: decays[c]!,
      halfSat: best.halfSats[c]!,
      effect: best.beta[c + 1]!,
      contribution,
      roi: spent ? contribution / spent : 0,
    };
  });
  return {
    intercept: best.beta[0]! * weeks,
    channels,
    r2: rSquared(data.revenue, best.yhat),
    iterations,
    lossHistory,
  };
}

/** Predicted weekly revenue when each channel spends `weekly[c]` every week (steady state of the adstock). */
export function predictWeekly(fit: MmmFit, weekly: readonly number[], weeks: number): number {
  let revenue = fit.intercept / weeks;
  fit.channels.forEach((ch, c) => {
    const steady = weekly[c]! / (1 - ch.decay);
    revenue += ch.effect * hill(steady, ch.halfSat);
  });
  return revenue;
}
