import autocannon from 'autocannon';

/** One load scenario from the audit's testing strategy. */
export interface Scenario {
  name: 'normal' | 'peak' | 'spike' | 'stress' | 'endurance';
  connections: number;
  durationSec: number;
}

/** Normal, peak, spike (a sudden jump after a quiet second) and stress; endurance only when asked for. */
export function scenarios(options: { quick: boolean; endurance: boolean }): Scenario[] {
  const d = options.quick ? 0.5 : 1;
  const list: Scenario[] = [
    { name: 'normal', connections: 4, durationSec: 3 * d },
    { name: 'peak', connections: 16, durationSec: 3 * d },
    { name: 'spike', connections: 64, durationSec: 2 * d },
    { name: 'stress', connections: 96, durationSec: 3 * d },
  ];
  if (options.endurance) list.push({ name: 'endurance', connections: 8, durationSec: 60 });
  return list;
}

// The dashboard's traffic mix: every endpoint, several brands, weeks and budgets.
const PATHS = (i: number) => {
  const brand = 1 + (i % 8);
  const week = `2023-${String(1 + (i % 12)).padStart(2, '0')}-06`;
  return [
    '/api/brands',
    `/api/brands/${brand}/contributions`,
    `/api/media?week=${week}`,
    `/api/brands/${brand}/media`,
    `/api/brands/${brand}/roi-curves`,
    `/api/brands/${brand}/scenarios?budget=${50_000 + (i % 5) * 25_000}`,
    `/api/brands/${brand}/model-runs`,
  ];
};

/** Drives the API with autocannon; returns requests sent, non-2xx and mean requests/s per scenario. */
export async function runLoad(baseUrl: string, s: Scenario) {
  let n = 0;
  const requests = PATHS(0).map((_, k) => ({
    setupRequest: (req: { path?: string }) => ({ ...req, path: PATHS(n++)[k]! }),
  }));
  const result = await autocannon({
    url: baseUrl,
    connections: s.connections,
    duration: s.durationSec,
    requests,
    timeout: 20,
  });
  return {
    scenario: s.name,
    requests: result.requests.total,
    non2xx: result.non2xx,
    rps: result.requests.average,
    p99: result.latency.p99,
  };
}
