/** Strips the query string and fragment: they can carry personal data and explode cardinality. */
export function redactUrlPath(url: string): string {
  return url.split(/[?#]/)[0]!;
}
