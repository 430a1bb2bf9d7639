import type { Attributes } from '../schema/index.js';

const round = (v: number, digits: number) =>
  Number(v.toFixed(digits)).toLocaleString('en-US', { maximumFractionDigits: digits });

/** A value with a readable unit: '183 ms', '2.41 s', '512 KB', '0.05%', '1,234/h'. */
export function formatValue(value: number | undefined, unit: string): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
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
      return `${round(value, abs < 10 ? 2 : 0)}${unit}`;
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
