import type { ReactBeaconRender } from '../ingest/schema.js';
import type { RenderSink } from '../render/sink.js';

interface Counts extends ReactBeaconRender {
  nav: number[];
  /** Whether a navigation sample is new since the last take(). */
  ns?: boolean;
  /** When it last committed (performance.now()). */
  at: number;
}

/** The agent's render counters: a RenderSink that ships raw numbers, with each component's last commit time. */
export interface RenderCounters extends RenderSink {
  /** Tracked components whose last commit was in [start, end] (performance.now()), at most 20. */
  between(start: number, end: number): string[];
  /** A navigation: samples every component's mounted count (the server's leak-suspect check). */
  nav(): void;
  /** What changed since the last take(); the deltas start over. */
  take(): ReactBeaconRender[];
  /** true once React reported a duration, false while commits came without one. */
  durations?: boolean;
}

type Buckets = Record<string, number>;

/**
 * Counts a value into the log histogram `o[key]` (created on first use): bucket round(ln(v) * 32), about
 * ±1.6 % (0 ms goes to -Infinity).
 */
export const bucket = <K extends string>(o: { [k in K]?: Buckets }, key: K, v: number): void => {
  const b: Buckets = o[key] ?? {};
  const k = Math.round(Math.log(v) * 32);
  o[key] = b;
  if (v >= 0) b[k] = (b[k] || 0) + 1;
};

/**
 * Per-component counts with bounded memory: `max` names (later ones are not counted), 20 identity-only keys
 * each, 16 navigation samples. Every call only bumps numbers. A slow interaction names the components whose
 * latest commit falls in it: its Event Timing entry arrives right after the frame it ends with, so only a
 * component that renders again before that (an animation frame) is missed.
 */
export function createRenderCounters(max: number, fault: (err: unknown) => void): RenderCounters {
  const all = new Map<string, Counts>();
  // Beyond `max` names a component counts into a throwaway entry: memory stays bounded.
  const get = (name: string): Counts => {
    let e = all.get(name);
    if (!e) {
      e = { c: name, m: 0, u: 0, x: 0, i: 0, nav: [], at: 0 };
      if (all.size < max) all.set(name, e);
    }
    return e;
  };
  const self: RenderCounters = {
    recordRender(name, phase, duration, at = performance.now()) {
      const e = get(name);
      const k = phase === 'mount' ? 'm' : 'u';
      e[k]++;
      e.at = at;
      if (duration !== undefined) {
        e.d ??= {};
        bucket(e.d, k, duration);
      }
    },
    recordUnnecessary(name, keys, kinds) {
      const e = get(name);
      e.p ??= {};
      const p = e.p;
      e.x++;
      keys.forEach((k, i) => {
        if (p[k]) p[k][0]++;
        else if (Object.keys(p).length < 20) p[k] = [1, kinds[i]!];
      });
    },
    mount(name) {
      get(name).i++;
    },
    unmount(name) {
      const e = get(name);
      if (e.i) e.i--;
    },
    noteDurations(available) {
      self.durations ||= available;
    },
    fault,
    between: (start, end) =>
      [...all.values()]
        .filter((e) => e.at >= start && e.at <= end)
        .map((e) => e.c)
        .slice(0, 20),
    nav() {
      for (const e of all.values()) {
        if (e.nav.push(e.i) > 16) e.nav.shift();
        e.ns = true;
      }
    },
    take() {
      // Every component in every beacon: its mounted count is a gauge, and there are at most `max`.
      return [...all.values()].map((e) => {
        const { ns, nav, at, ...r } = e;
        e.m = e.u = e.x = 0;
        e.ns = false;
        e.p = e.d = undefined;
        return ns ? { ...r, nav: nav.slice() } : r;
      });
    },
  };
  return self;
}
