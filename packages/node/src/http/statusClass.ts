const CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** The status class attribute ('2xx' .. '5xx') of an HTTP status code. */
export type StatusClass = (typeof CLASSES)[number];

/** '1xx'..'5xx' for a status code; anything out of range counts as '5xx' (the server answered wrongly). */
export function statusClass(status: number): StatusClass {
  const i = (status / 100) | 0;
  return i >= 1 && i <= 5 ? CLASSES[i - 1]! : '5xx';
}

/** Index 0..4 of a status class, for per-class arrays. */
export function statusClassIndex(status: number): number {
  const i = (status / 100) | 0;
  return i >= 1 && i <= 5 ? i - 1 : 4;
}

export const STATUS_CLASSES: readonly StatusClass[] = CLASSES;
