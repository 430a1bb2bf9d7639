import { subscribe } from 'node:diagnostics_channel';
import { type IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { RESPONSE_STATE } from './bodySize.js';
import type { RequestState } from './requestState.js';

/** What ends a tracked request: the instrumentation that began it (never throws). */
export interface RequestEnder {
  /** `unsent`: the response never reached the wire (queued behind another when its socket closed). */
  endSafely(state: RequestState, res: ServerResponse, unsent?: boolean): void;
}

type Tracked = ServerResponse & { [RESPONSE_STATE]?: RequestState };
/** Node's http server keeps the response a socket is writing in `_httpMessage` (null between responses). */
type HttpSocket = Socket & {
  _httpMessage?: ServerResponse | null;
  [WATCHED]?: true;
  [QUEUED]?: Tracked[];
};

/** Symbol.for, so two copies of this package watch a socket once between them. */
const WATCHED = Symbol.for('@perf/node.socket-watched');
/** Tracked responses of pipelined requests, queued behind the one the socket is writing. */
const QUEUED = Symbol.for('@perf/node.socket-queued');
/** Queued lists are pruned of finished responses when they grow past this, so a long-lived one stays small. */
const PRUNE_AT = 16;

function endTracked(res: Tracked | null | undefined, unsent = false): void {
  const state = res?.[RESPONSE_STATE];
  if (state === undefined || state.endTime >= 0) return;
  state.ender.endSafely(state, res as Tracked, unsent);
}

/**
 * A socket closed: the response it was still writing (if any) and those queued behind it were aborted. Node
 * emits no 'close' on a queued response, so before this a pipelined request cut off by its client stayed in
 * flight for good.
 */
function onSocketClose(this: HttpSocket): void {
  endTracked(this._httpMessage);
  const queued = this[QUEUED];
  if (queued === undefined) return;
  this[QUEUED] = undefined;
  for (const res of queued) endTracked(res, true);
}

let subscribed = false;

/**
 * Arranges for `res` to end its request once, when it finishes or is aborted, and returns false when the
 * caller must listen to the response's own 'close' instead (a response that no node:http socket carries:
 * light-my-request's inject, http2's compatibility API).
 *
 * Why not a 'close' listener per response: adding it and running it through emit were the middleware's
 * largest self-time in a fastify profile (~0.7 us per request there). Node's http server publishes every
 * finished response on the 'http.server.response.finish' diagnostics channel (22 ns with one subscriber),
 * and an aborted response is one its socket is still writing, or has queued, when the socket closes: one
 * listener per connection, not per request.
 */
export function endOnFinishOrAbort(req: IncomingMessage, res: ServerResponse): boolean {
  // http2's compatibility response is no http.ServerResponse (and its req.socket is a proxy of the session's).
  if (!(res instanceof ServerResponse)) return false;
  const socket = req.socket as HttpSocket | null;
  if (!(socket instanceof Socket)) return false;
  if (!subscribed) {
    subscribe('http.server.response.finish', (message) => {
      endTracked((message as { response?: Tracked }).response);
    });
    subscribed = true;
  }
  if (socket[WATCHED] !== true) {
    socket[WATCHED] = true;
    socket.on('close', onSocketClose);
  }
  // A pipelined request's response waits behind the one being written (`_httpMessage`).
  if (socket._httpMessage !== res) queue(socket, res);
  return true;
}

function queue(socket: HttpSocket, res: Tracked): void {
  let queued = socket[QUEUED];
  if (queued === undefined) {
    queued = [];
    socket[QUEUED] = queued;
  } else if (queued.length >= PRUNE_AT) {
    queued = queued.filter((r) => (r[RESPONSE_STATE]?.endTime ?? 0) < 0);
    socket[QUEUED] = queued;
  }
  queued.push(res);
}
