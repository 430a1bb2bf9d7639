import { ServerResponse } from 'node:http';
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

/** The request state a response carries; Symbol.for so two copies of this package share the patch below. */
export const RESPONSE_STATE = Symbol.for('@perf/node.response-state');
const PATCHED = Symbol.for('@perf/node.body-counter');

type Tracked = ServerResponse & { [RESPONSE_STATE]?: RequestState };
type Proto = typeof ServerResponse.prototype & { [PATCHED]?: true };

/**
 * Counts response body bytes in ServerResponse.prototype's write/end, once per process, for the responses that
 * carry a request state. Why the prototype: wrapping each response's write/end cost two closures and two
 * property additions per request (the middleware's largest self-time in an express profile); the patched
 * methods cost one property read for responses nobody tracks. A compression middleware installed later wraps
 * the instance's write/end and calls these, so the count is of the bytes that reach the wire.
 */
export function patchPrototype(): void {
  const proto = ServerResponse.prototype as Proto;
  if (proto[PATCHED]) return;
  const write = proto.write;
  const end = proto.end;
  proto.write = function (this: Tracked, chunk: unknown, encoding?: unknown, cb?: unknown) {
    const state = this[RESPONSE_STATE];
    if (state !== undefined) state.bytes += chunkBytes(chunk, encoding);
    return (write as (c: unknown, e?: unknown, cb?: unknown) => boolean).call(this, chunk, encoding, cb);
  } as Write;
  proto.end = function (this: Tracked, chunk?: unknown, encoding?: unknown, cb?: unknown) {
    const state = this[RESPONSE_STATE];
    if (state !== undefined && typeof chunk !== 'function') state.bytes += chunkBytes(chunk, encoding);
    return (end as (c?: unknown, e?: unknown, cb?: unknown) => ServerResponse).call(
      this,
      chunk,
      encoding,
      cb,
    );
  } as End;
  proto[PATCHED] = true;
}

/**
 * Tracks a response: links it to its request state (for the body count and the 'close' listener). Responses
 * without a Content-Length (streams, chunked) are sized by the bytes the app writes.
 */
export function countBodyBytes(res: ServerResponse, state: RequestState): void {
  patchPrototype();
  trackResponse(res, state);
}

/** Links a response to its state, for callers that already ran patchPrototype() (the middleware, per request). */
export function trackResponse(res: ServerResponse, state: RequestState): void {
  (res as Tracked)[RESPONSE_STATE] = state;
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
