/** Strips the query string and fragment: they can carry personal data and explode cardinality. */
export function redactUrlPath(url: string): string {
  const q = url.search(/[?#]/);
  return q === -1 ? url : url.slice(0, q);
}
