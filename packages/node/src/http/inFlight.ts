import type { RequestState } from './requestState.js';

const RECENT = 128;

/**
 * Requests in flight and the last few finished, process-wide. The runtime collector asks which routes were
 * running during an event-loop stall; it only notices a stall after it ends, by which time the request that
 * blocked may already have finished, hence the ring of recent requests.
 *
 * The requests in flight are an intrusive doubly linked list through RequestState's own fields: a Set that
 * swings between a few dozen entries rehashes as it grows and shrinks, which was the middleware's largest
 * self-time in a fastify profile; linking and unlinking touch two neighbours and allocate nothing.
 */
class InFlightRequests {
  private head: RequestState | undefined = undefined;
  private count = 0;
  /** Whether any request has begun in this process (a stall before the first one is start-up work). */
  anySeen = false;
  private readonly recentRoute: string[] = new Array(RECENT).fill('');
  private readonly recentMethod: string[] = new Array(RECENT).fill('');
  private readonly recentStart = new Float64Array(RECENT);
  private readonly recentEnd = new Float64Array(RECENT).fill(-1);
  private next = 0;

  begin(state: RequestState): void {
    if (state.linked) return;
    state.linked = true;
    state.nextActive = this.head;
    state.prevActive = undefined;
    if (this.head) this.head.prevActive = state;
    this.head = state;
    this.count++;
    this.anySeen = true;
  }

  /** Unlinks a finished request; `remember` false keeps it out of the recent ring (an ignored route). */
  end(state: RequestState, route: string, remember = true): void {
    if (!state.linked) return;
    state.linked = false;
    const { prevActive, nextActive } = state;
    if (prevActive) prevActive.nextActive = nextActive;
    else this.head = nextActive;
    if (nextActive) nextActive.prevActive = prevActive;
    state.prevActive = undefined;
    state.nextActive = undefined;
    this.count--;
    if (!remember) return;
    const i = this.next;
    this.recentRoute[i] = route;
    this.recentMethod[i] = state.method;
    this.recentStart[i] = state.startTime;
    this.recentEnd[i] = state.endTime;
    this.next = (i + 1) % RECENT;
  }

  /** Requests in flight now. */
  get size(): number {
    return this.count;
  }

  private *active(): IterableIterator<RequestState> {
    for (let s = this.head; s; s = s.nextActive) yield s;
  }

  /** Requests in flight per 'METHOD route'. */
  byRoute(): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.active()) {
      const k = `${s.method} ${s.route}`;
      out.set(k, (out.get(k) ?? 0) + 1);
    }
    return out;
  }

  /** 'METHOD route' -> requests that were in flight at some point in [from, to] (performance.now() times). */
  during(from: number, to: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.active()) {
      if (s.startTime > to) continue;
      const k = `${s.method} ${s.route}`;
      out.set(k, (out.get(k) ?? 0) + 1);
    }
    for (let i = 0; i < RECENT; i++) {
      const end = this.recentEnd[i]!;
      if (end < 0 || end < from || this.recentStart[i]! > to) continue;
      const k = `${this.recentMethod[i]} ${this.recentRoute[i]}`;
      out.set(k, (out.get(k) ?? 0) + 1);
    }
    return out;
  }

  /**
   * 'METHOD route' -> requests in flight at some point in [from, to] that lasted at least `minMs`. A request
   * that was running through a stall lasted at least as long as the stall, since nothing starts or ends
   * while the loop is blocked; this narrows a window-level stall to the requests that could hold it.
   */
  lastingDuring(from: number, to: number, minMs: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.active()) {
      if (s.startTime > to || to - s.startTime < minMs) continue;
      const k = `${s.method} ${s.route}`;
      out.set(k, (out.get(k) ?? 0) + 1);
    }
    for (let i = 0; i < RECENT; i++) {
      const end = this.recentEnd[i]!;
      if (end < 0 || end < from || this.recentStart[i]! > to || end - this.recentStart[i]! < minMs) continue;
      const k = `${this.recentMethod[i]} ${this.recentRoute[i]}`;
      out.set(k, (out.get(k) ?? 0) + 1);
    }
    return out;
  }

  /**
   * What a stall of [from, to] did to the requests: 'METHOD route' -> requests in flight for at least `minMs` of
   * it (held up), and 'METHOD route' -> the time its requests spent inside it, summed (a request that began just
   * before `to` adds only its few ms, one that ran through the whole stall adds all of it).
   */
  overlap(
    from: number,
    to: number,
    minMs: number,
  ): { routes: Map<string, number>; delay: Map<string, number> } {
    const routes = new Map<string, number>();
    const delay = new Map<string, number>();
    const add = (route: string, ms: number) => {
      if (ms <= 0) return;
      delay.set(route, (delay.get(route) ?? 0) + ms);
      if (ms >= minMs) routes.set(route, (routes.get(route) ?? 0) + 1);
    };
    for (const s of this.active()) add(`${s.method} ${s.route}`, to - Math.max(from, s.startTime));
    for (let i = 0; i < RECENT; i++) {
      const end = this.recentEnd[i]!;
      if (end < 0 || end < from) continue;
      const ms = Math.min(end, to) - Math.max(from, this.recentStart[i]!);
      add(`${this.recentMethod[i]} ${this.recentRoute[i]}`, ms);
    }
    return { routes, delay };
  }

  /**
   * The requests that held through a stall of [from, to] (in flight through all of it: they lasted at least
   * `minMs`), and the route that most likely ran the blocking code: the only route among them, else the only
   * route among those that already finished (nothing ends during a stall, so a request that finished between
   * the stall's end and now ran right after it, while the others still wait for their I/O callbacks), else
   * undefined (several candidates, or none). That second rule is a guess (`guessed`): the blocking request may
   * go on after the block while one it held up finishes first.
   */
  holders(
    from: number,
    to: number,
    minMs: number,
  ): { routes: Map<string, number>; culprit?: string; guessed?: boolean } {
    const routes = this.lastingDuring(from, to, minMs);
    if (routes.size === 1) return { routes, culprit: routes.keys().next().value as string };
    if (routes.size === 0) return { routes };
    let culprit: string | undefined;
    for (let i = 0; i < RECENT; i++) {
      const end = this.recentEnd[i]!;
      if (end < 0 || end < from || this.recentStart[i]! > to || end - this.recentStart[i]! < minMs) continue;
      const k = `${this.recentMethod[i]} ${this.recentRoute[i]}`;
      if (culprit === undefined) culprit = k;
      else if (culprit !== k) return { routes };
    }
    return culprit === undefined ? { routes } : { routes, culprit, guessed: true };
  }

  clear(): void {
    for (let s = this.head; s; ) {
      const next = s.nextActive;
      s.linked = false;
      s.prevActive = undefined;
      s.nextActive = undefined;
      s = next;
    }
    this.head = undefined;
    this.count = 0;
    this.recentEnd.fill(-1);
  }
}

/** The process-wide registry of requests in flight (all frameworks, all audits). */
export const inFlight = new InFlightRequests();
