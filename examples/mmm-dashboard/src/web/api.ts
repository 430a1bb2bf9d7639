/** Typed fetches of the MMM API. */
export interface Brand {
  id: number;
  name: string;
}
export interface ChannelTotals {
  id: number;
  name: string;
  spend: number;
  impressions: number;
  clicks: number;
}
export interface Curve {
  channel: string;
  points: { spend: number; revenue: number }[];
}
export interface Scenario {
  budget: number;
  predictedRevenue: number;
}

async function get<T>(path: string): Promise<T> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export const api = {
  brands: () => get<Brand[]>('/api/brands'),
  contributions: (brand: number) => get<ChannelTotals[]>(`/api/brands/${brand}/contributions`),
  curves: (brand: number) => get<Curve[]>(`/api/brands/${brand}/roi-curves`),
  scenario: (brand: number, budget: number) =>
    get<Scenario>(`/api/brands/${brand}/scenarios?budget=${budget}`),
};
