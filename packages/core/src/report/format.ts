import type { Attributes } from '../schema/index.js';

const round = (v: number, digits: number) =>
  Number(v.toFixed(digits)).toLocaleString('en-US', { maximumFractionDigits: digits });

/**
 * Metrics whose unit is '1' but that are scores or plain ratios, not fractions of a whole: shown as numbers
 * ('0.06'), never as a percentage ('6.2%').
 */
export const UNITLESS_METRICS: ReadonlySet<string> = new Set([
  'webvitals.cls',
  'db.server.statement.rows_examined_per_sent',
]);

const SI: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** A rate with an SI suffix from a thousand up: '2.3G/h', '12k/s', '950/h'. */
function rate(value: number, unit: string): string {
  const abs = Math.abs(value);
  for (const [factor, suffix] of SI)
    if (abs >= factor) return `${round(value / factor, abs / factor < 10 ? 2 : 1)}${suffix}${unit}`;
  return `${round(value, abs < 10 ? 2 : 0)}${unit}`;
}

/**
 * A value with a readable unit: '183 ms', '2.41 s', '512 KB', '0.05%', '2.3G/h'. Give the metric's `name` so
 * scores with unit '1' (CLS) read as numbers ('0.06'), not percentages.
 */
export function formatValue(value: number | undefined, unit: string, name?: string): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (name !== undefined && UNITLESS_METRICS.has(name))
    return round(value, abs < 0.01 ? 3 : abs < 10 ? 2 : 1);
  switch (unit) {
    case 'ms':
      if (abs >= 60_000) return `${round(value / 60_000, 1)} min`;
      if (abs >= 1000) return `${round(value / 1000, 2)} s`;
      return `${round(value, abs < 10 ? 2 : 1)} ms`;
    case 'B':
    case 'By':
      if (abs >= 1e9) return `${round(value / 1e9, 2)} GB`;
      if (abs >= 1e6) return `${round(value / 1e6, 2)} MB`;
      if (abs >= 1e3) return `${round(value / 1e3, 1)} KB`;
      return `${round(value, 0)} B`;
    case '1':
      return `${round(value * 100, abs < 0.01 ? 3 : 1)}%`;
    case '/s':
    case '/h':
    case '/min':
      return rate(value, unit);
    default:
      return `${round(value, abs < 10 ? 3 : 1)}${unit.startsWith('{') || unit === '' ? '' : ` ${unit}`}`;
  }
}

/** `{route=/api/x, method=GET}` style, or '' for none. */
export function formatAttributes(attributes: Attributes | undefined): string {
  if (!attributes) return '';
  const entries = Object.entries(attributes);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : '';
}

const HTTP_KEYS = ['http.request.method', 'http.route', 'http.status_class'];

/**
 * A series named in full for a reader: HTTP series lead with method, route and status class
 * ('GET /api/brands 2xx'), then every other attribute; others list all their attributes. '' for none.
 */
export function formatSeries(attributes: Attributes | undefined): string {
  if (!attributes) return '';
  const http = HTTP_KEYS.filter((k) => attributes[k] !== undefined).map((k) => String(attributes[k]));
  const rest = Object.fromEntries(Object.entries(attributes).filter(([k]) => !HTTP_KEYS.includes(k)));
  const others = formatAttributes(rest);
  if (http.length === 0) return others;
  return others ? `${http.join(' ')} {${others}}` : http.join(' ');
}
