/** The content codings a compression middleware answers with. */
export const COMPRESSIONS = ['gzip', 'br', 'deflate'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/**
 * The compressions a request's `Accept-Encoding` allows (RFC 9110 12.5.3): a coding listed with a q-value
 * above 0, or covered by `*` above 0 and not listed itself with q=0. No header (or an empty one) allows none:
 * compression middleware (compression, @fastify/compress, koa-compress) then sends identity, so an
 * uncompressed response to it is not the server's fault.
 */
export function acceptedCompressions(header: string | string[] | undefined): Compression[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text.trim() === '') return [];
  const q = new Map<string, number>();
  for (const part of text.split(',')) {
    const [name, ...params] = part.split(';');
    const coding = name!.trim().toLowerCase();
    if (coding === '') continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) weight = Number(m[1]);
    }
    if (!Number.isFinite(weight)) weight = 0;
    // x-gzip is gzip's old alias.
    const key = coding === 'x-gzip' ? 'gzip' : coding;
    q.set(key, Math.max(q.get(key) ?? 0, weight));
  }
  const star = q.get('*');
  return COMPRESSIONS.filter((c) => {
    const w = q.get(c);
    return w !== undefined ? w > 0 : star !== undefined && star > 0;
  });
}
