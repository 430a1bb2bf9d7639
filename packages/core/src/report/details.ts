/** One labelled field of a finding's details, e.g. { label: 'rows examined', value: '29,952' }. */
export interface DetailField {
  label: string;
  value: string;
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

const MAX_FIELDS = 40;
const MAX_VALUE = 400;

const isObject = (v: unknown): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function scalar(v: Json): string {
  if (v === null) return '–';
  if (typeof v === 'number')
    return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toPrecision(4)));
  return String(v);
}

/** A value on one line: scalars as they are, lists joined by ', ', objects as 'k=v' pairs. */
function inline(v: Json, depth = 0): string {
  if (Array.isArray(v))
    return v
      .map((x) => (isObject(x) || Array.isArray(x) ? `(${inline(x, depth + 1)})` : scalar(x)))
      .join(', ');
  if (isObject(v))
    return Object.entries(v)
      .map(([k, x]) => `${k}=${depth > 2 ? '…' : inline(x, depth + 1)}`)
      .join(', ');
  return scalar(v);
}

const clip = (s: string) => (s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s);

/**
 * A finding's `evidence.details` as labelled fields (key: value) for a reader, not raw JSON: camelCase and
 * snake_case keys become words, a nested object's keys are prefixed with its own ('plan › rows'), lists are
 * joined. At most 40 fields, each value at most 400 characters.
 */
export function detailFields(details: Record<string, unknown> | undefined): DetailField[] {
  const out: DetailField[] = [];
  const label = (k: string) =>
    k
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/[_]+/g, ' ')
      .toLowerCase()
      .trim() || k;
  const walk = (obj: Record<string, Json>, prefix: string, depth: number) => {
    for (const [k, v] of Object.entries(obj)) {
      if (out.length >= MAX_FIELDS) return;
      const name = prefix ? `${prefix} › ${label(k)}` : label(k);
      if (isObject(v) && depth < 1 && Object.keys(v).length > 0) walk(v, name, depth + 1);
      else out.push({ label: name, value: clip(inline(v)) });
    }
  };
  if (details) walk(details as Record<string, Json>, '', 0);
  return out;
}
