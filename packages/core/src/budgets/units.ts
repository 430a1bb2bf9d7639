/** A unit's dimension and its factor to the dimension's base unit (ms, B, fraction, per second, count). */
export interface UnitInfo {
  dimension: 'time' | 'bytes' | 'ratio' | 'frequency' | 'count';
  factor: number;
}

// KB/MB/GB are decimal (1000), as bundle-size budgets are usually meant; KiB/MiB/GiB are binary.
const UNITS: Record<string, UnitInfo> = {
  us: { dimension: 'time', factor: 0.001 },
  ms: { dimension: 'time', factor: 1 },
  s: { dimension: 'time', factor: 1000 },
  min: { dimension: 'time', factor: 60_000 },
  h: { dimension: 'time', factor: 3_600_000 },
  B: { dimension: 'bytes', factor: 1 },
  By: { dimension: 'bytes', factor: 1 },
  KB: { dimension: 'bytes', factor: 1e3 },
  MB: { dimension: 'bytes', factor: 1e6 },
  GB: { dimension: 'bytes', factor: 1e9 },
  KiB: { dimension: 'bytes', factor: 1024 },
  MiB: { dimension: 'bytes', factor: 1024 ** 2 },
  GiB: { dimension: 'bytes', factor: 1024 ** 3 },
  '%': { dimension: 'ratio', factor: 0.01 },
  '1': { dimension: 'ratio', factor: 1 },
  '/s': { dimension: 'frequency', factor: 1 },
  '/min': { dimension: 'frequency', factor: 1 / 60 },
  '/h': { dimension: 'frequency', factor: 1 / 3600 },
};

/** The units a budget string may use. */
export const BUDGET_UNITS = Object.keys(UNITS).filter((u) => u !== 'By' && u !== '1');

/** Info for a unit; curly-brace units such as '{request}' and '' are plain counts. */
export function unitInfo(unit: string): UnitInfo | undefined {
  if (unit === '' || /^\{[^}]*\}$/.test(unit)) return { dimension: 'count', factor: 1 };
  return UNITS[unit];
}

/** Converts `value` in `from` to `to`, or undefined when their dimensions differ. */
export function convert(value: number, from: string, to: string): number | undefined {
  const a = unitInfo(from);
  const b = unitInfo(to);
  if (!a || !b) return undefined;
  // A ratio and a plain number are interchangeable (a score of 0-100 has unit '1' too).
  const compatible = a.dimension === b.dimension || (a.dimension === 'count' && b.dimension === 'ratio');
  if (!compatible) return undefined;
  return (value * a.factor) / b.factor;
}
