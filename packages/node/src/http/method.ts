const KNOWN = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
  'QUERY',
]);

/** The method attribute: known methods upper-cased, anything else '_OTHER' (OTel's rule, bounds cardinality). */
export function normalizeMethod(method: string | undefined): string {
  if (!method) return '_OTHER';
  if (KNOWN.has(method)) return method;
  const upper = method.toUpperCase();
  return KNOWN.has(upper) ? upper : '_OTHER';
}
