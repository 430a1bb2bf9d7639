import type { Audit, Collector, CounterHandle, GaugeHandle, HistogramHandle } from '@perf/core/recorder';
import {
  durationsUnavailableFinding,
  growing,
  leakFinding,
  MOUNTED_METRIC,
  UNNECESSARY_METRIC,
  unnecessaryFinding,
} from './renderFindings.js';
import type { IdentityKind, RenderPhase, RenderSink } from './sink.js';

export type { IdentityKind, RenderPhase };

export interface RenderTrackerOptions {
  /** Distinct component names tracked; later ones share the '(other)' entry. Default 500. */
  maxComponents?: number;
  /** Consecutive navigations over which a component's mounted count must grow to be a leak suspect. Default 3. */
  leakNavigations?: number;
  /** Unnecessary renders of one component at which its finding becomes a warning (below: info). Default 10. */
  unnecessaryWarnAt?: number;
  /** Recent commits kept (name and time) to link slow interactions to components. Default 512. */
  recentCommits?: number;
}

/** Per-component render statistics since the tracker was created. */
export interface ComponentRenderStats {
  mounts: number;
  updates: number;
  unnecessary: number;
  /** Props (or state keys) that changed identity only, with how often. */
  identityOnly: Record<string, number>;
  /** Instances mounted now. */
  mounted: number;
  /** Render durations in ms, when React exposed them (development and profiling builds). */
  durations: { count: number; total: number; max: number };
}

interface Entry extends ComponentRenderStats {
  name: string;
  identityKinds: Record<string, IdentityKind>;
  flushedMounts: number;
  flushedUpdates: number;
  flushedUnnecessary: number;
  navSamples: number[];
  leakPending: boolean;
  leakReported: boolean;
  durationHandles: Partial<Record<RenderPhase, HistogramHandle>>;
  mountedGauge?: GaugeHandle;
  countHandles: Partial<Record<RenderPhase, CounterHandle>>;
  unnecessaryHandle?: CounterHandle;
}

const OTHER = '(other)';
const MAX_IDENTITY_KEYS = 20;
const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Collects render counts, durations, unnecessary re-renders and mounted instances from PerfProfiler,
 * withPerf and useRenderTracking into an Audit on every report: the sink of measureRenders and of tests in
 * Node. A page uses createBrowserAudit's counters instead, which ship raw numbers and leave findings to the
 * server. Hot-path calls only bump numbers; metric handles and findings are touched at report time.
 */
export class RenderTracker implements Collector, RenderSink {
  readonly name = 'react.renders';
  private readonly entries = new Map<string, Entry>();
  private readonly maxComponents: number;
  private readonly leakNavigations: number;
  private readonly warnAt: number;
  private readonly ringNames: string[];
  private readonly ringTimes: Float64Array;
  private ringNext = 0;
  private ringSize = 0;
  private durations: 'unknown' | 'available' | 'unavailable' = 'unknown';
  private durationsReported = false;
  private navigations = 0;
  private route: string | undefined;

  constructor(
    readonly audit: Audit,
    options: RenderTrackerOptions = {},
  ) {
    this.maxComponents = Math.max(1, options.maxComponents ?? 500);
    this.leakNavigations = Math.max(1, options.leakNavigations ?? 3);
    this.warnAt = Math.max(1, options.unnecessaryWarnAt ?? 10);
    const ring = Math.max(16, options.recentCommits ?? 512);
    this.ringNames = new Array<string>(ring);
    this.ringTimes = new Float64Array(ring);
    audit.use(this);
  }

  private entry(name: string): Entry {
    let e = this.entries.get(name);
    if (e) return e;
    if (this.entries.size >= this.maxComponents) {
      e = this.entries.get(OTHER);
      if (e) return e;
      name = OTHER;
    }
    e = {
      name,
      mounts: 0,
      updates: 0,
      unnecessary: 0,
      identityOnly: {},
      mounted: 0,
      durations: { count: 0, total: 0, max: 0 },
      identityKinds: {},
      flushedMounts: 0,
      flushedUpdates: 0,
      flushedUnnecessary: 0,
      navSamples: [],
      leakPending: false,
      leakReported: false,
      durationHandles: {},
      countHandles: {},
    };
    this.entries.set(name, e);
    return e;
  }

  /** One committed render of `name`; `durationMs` only when React measured it. */
  recordRender(name: string, given: RenderPhase, durationMs?: number, at: number = now()): void {
    const phase: RenderPhase = given === 'mount' ? 'mount' : 'update';
    const e = this.entry(name);
    if (phase === 'mount') e.mounts++;
    else e.updates++;
    const i = this.ringNext;
    this.ringNames[i] = name;
    this.ringTimes[i] = at;
    this.ringNext = (i + 1) % this.ringTimes.length;
    if (this.ringSize < this.ringTimes.length) this.ringSize++;
    if (durationMs !== undefined && durationMs >= 0) {
      const d = e.durations;
      d.count++;
      d.total += durationMs;
      if (durationMs > d.max) d.max = durationMs;
      let h = e.durationHandles[phase];
      if (!h) {
        h = this.audit.histogram('react.render.duration', {
          'react.component': e.name,
          'react.phase': phase,
        });
        e.durationHandles[phase] = h;
      }
      h.record(durationMs);
    }
  }

  /** An update whose props and tracked state were equal by value to the previous render's. */
  recordUnnecessary(name: string, identityOnly: readonly string[], kinds: readonly IdentityKind[]): void {
    const e = this.entry(name);
    e.unnecessary++;
    for (let i = 0; i < identityOnly.length; i++) {
      const key = identityOnly[i]!;
      const seen = e.identityOnly[key];
      if (seen !== undefined) e.identityOnly[key] = seen + 1;
      else if (Object.keys(e.identityOnly).length < MAX_IDENTITY_KEYS) {
        e.identityOnly[key] = 1;
        e.identityKinds[key] = kinds[i] ?? 'object';
      }
    }
  }

  /** An instance of `name` mounted (paired with unmount; StrictMode's simulated remount nets to one). */
  mount(name: string): void {
    this.entry(name).mounted++;
  }

  unmount(name: string): void {
    const e = this.entry(name);
    if (e.mounted > 0) e.mounted--;
  }

  /** A fault in a hook: counted in the audit's diagnostics. */
  fault(err: unknown): void {
    this.audit.safely(this.name, () => {
      throw err;
    });
  }

  /** Whether React's Profiler reported durations (false in production builds of react-dom). */
  noteDurations(available: boolean): void {
    if (available) this.durations = 'available';
    else if (this.durations === 'unknown') this.durations = 'unavailable';
  }

  /** Render durations seen: 'unavailable' when Profiler callbacks never fired (a production react-dom). */
  get durationsStatus(): 'unknown' | 'available' | 'unavailable' {
    return this.durations;
  }

  /** A (soft) navigation: samples mounted counts, the basis of the leak-suspect finding. */
  markNavigation(route?: string): void {
    this.navigations++;
    if (route !== undefined) this.route = route;
    const keep = this.leakNavigations + 1;
    for (const e of this.entries.values()) {
      if (e.mounts === 0 && e.mounted === 0) continue;
      e.navSamples.push(e.mounted);
      if (e.navSamples.length > keep) e.navSamples.shift();
      if (!e.leakReported && growing(e.navSamples, this.leakNavigations)) e.leakPending = true;
    }
    this.sample();
  }

  /** Names of components that committed a render in [start, end] (performance.now() times), most frequent first. */
  componentsRenderedBetween(start: number, end: number): string[] {
    const counts = new Map<string, number>();
    const n = this.ringTimes.length;
    for (let k = 0; k < this.ringSize; k++) {
      const i = (this.ringNext - 1 - k + n) % n;
      const t = this.ringTimes[i]!;
      if (t < start) break;
      if (t <= end) {
        const name = this.ringNames[i]!;
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  }

  /** A snapshot of every component's statistics. */
  stats(): Record<string, ComponentRenderStats> {
    const out: Record<string, ComponentRenderStats> = {};
    for (const [name, e] of this.entries) {
      out[name] = {
        mounts: e.mounts,
        updates: e.updates,
        unnecessary: e.unnecessary,
        identityOnly: { ...e.identityOnly },
        mounted: e.mounted,
        durations: { ...e.durations },
      };
    }
    return out;
  }

  /** Sets the mounted-instances gauges now (a point on their timelines). */
  sample(): void {
    for (const [name, e] of this.entries) {
      if (e.mounts === 0 && e.mounted === 0) continue;
      e.mountedGauge ??= this.audit.gauge(
        'react.component.mounted',
        { 'react.component': name },
        MOUNTED_METRIC,
      );
      e.mountedGauge.set(e.mounted);
    }
  }

  /** Flushes counts, mounted gauges and findings into the audit (runs before every report). */
  collect(): void {
    const audit = this.audit;
    this.sample();
    for (const [name, e] of this.entries) {
      const mounts = e.mounts - e.flushedMounts;
      const updates = e.updates - e.flushedUpdates;
      if (mounts > 0) {
        e.countHandles.mount ??= audit.counter('react.render.count', {
          'react.component': name,
          'react.phase': 'mount',
        });
        e.countHandles.mount.add(mounts);
      }
      if (updates > 0) {
        e.countHandles.update ??= audit.counter('react.render.count', {
          'react.component': name,
          'react.phase': 'update',
        });
        e.countHandles.update.add(updates);
      }
      e.flushedMounts = e.mounts;
      e.flushedUpdates = e.updates;
      const unnecessary = e.unnecessary - e.flushedUnnecessary;
      if (unnecessary > 0) {
        e.unnecessaryHandle ??= audit.counter(
          'react.render.unnecessary',
          { 'react.component': name },
          UNNECESSARY_METRIC,
        );
        e.unnecessaryHandle.add(unnecessary);
        e.flushedUnnecessary = e.unnecessary;
        audit.finding(unnecessaryFinding(name, e, unnecessary, this.warnAt));
      }
      if (e.leakPending) {
        e.leakPending = false;
        e.leakReported = true;
        audit.finding(leakFinding(name, e.navSamples, this.leakNavigations, this.navigations, this.route));
      }
    }
    if (this.durations === 'unavailable' && !this.durationsReported) {
      this.durationsReported = true;
      audit.finding(durationsUnavailableFinding());
    }
  }

  stop(): void {
    this.entries.clear();
    this.ringSize = 0;
  }
}
