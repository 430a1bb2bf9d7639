import type { Attributes } from '../schema/index.js';

/** A stable key for a metric name plus attributes, independent of attribute order. */
export function seriesKey(name: string, attributes: Attributes | undefined): string {
  if (!attributes) return name;
  const keys = Object.keys(attributes);
  if (keys.length === 0) return name;
  keys.sort();
  let key = name;
  for (const k of keys) key += `\u0000${k}=${String(attributes[k])}`;
  return key;
}

/** Attributes of the series that takes what the cardinality cap turns away (OTel's overflow attribute). */
export const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ 'otel.metric.overflow': true }) as Attributes;
