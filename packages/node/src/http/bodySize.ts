import type { ServerResponse } from 'node:http';
import type { RequestState } from './requestState.js';

type Write = ServerResponse['write'];
type End = ServerResponse['end'];

function chunkBytes(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') {
    return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  }
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}

/**
 * Counts the body bytes the app writes, for responses without a Content-Length (streams, chunked).
 * It wraps the instance's write/end, so a compression middleware installed later wraps this one and the
 * count is of the bytes that reach the wire.
 */
export function countBodyBytes(res: ServerResponse, state: RequestState): void {
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, encoding?: unknown, cb?: unknown) {
    state.bytes += chunkBytes(chunk, encoding);
    return (write as (c: unknown, e?: unknown, cb?: unknown) => boolean).call(this, chunk, encoding, cb);
  } as Write;
  res.end = function (this: ServerResponse, chunk?: unknown, encoding?: unknown, cb?: unknown) {
    if (typeof chunk !== 'function') state.bytes += chunkBytes(chunk, encoding);
    return (end as (c?: unknown, e?: unknown, cb?: unknown) => ServerResponse).call(
      this,
      chunk,
      encoding,
      cb,
    );
  } as End;
}

/** Body bytes of a finished response: its Content-Length when set (HEAD and 304 send none), else the count. */
export function responseBytes(res: ServerResponse, method: string, state: RequestState): number {
  if (method === 'HEAD' || res.statusCode === 304 || res.statusCode === 204) return 0;
  const len = res.getHeader('content-length');
  if (typeof len === 'number') return len;
  if (typeof len === 'string') {
    const n = Number(len);
    if (n >= 0) return n;
  }
  return state.bytes;
}
