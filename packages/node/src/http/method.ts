/**
 * The method attribute: known methods upper-cased, anything else '_OTHER' (OTel's rule, bounds cardinality).
 * A switch, not a Set: node's parser hands out the same interned strings, which compare by pointer.
 */
export function normalizeMethod(method: string | undefined): string {
  switch (method) {
    case 'GET':
    case 'POST':
    case 'PUT':
    case 'DELETE':
    case 'PATCH':
    case 'HEAD':
    case 'OPTIONS':
    case 'CONNECT':
    case 'TRACE':
    case 'QUERY':
      return method;
    case undefined:
    case '':
      return '_OTHER';
  }
  const upper = method.toUpperCase();
  return upper !== method ? normalizeMethod(upper) : '_OTHER';
}
