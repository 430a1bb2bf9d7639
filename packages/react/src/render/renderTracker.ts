import type { Audit, Collector, CounterHandle, FindingInput, GaugeHandle, HistogramHandle } from '@perf/core';

/** Render phase as reported: React's 'nested-update' counts as an update. */
export type RenderPhase = 'mount' | 'update';

/** What kind of value changed identity only: decides between useCallback and useMemo. */
export type IdentityKind = 'function' | 'object';

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
  identityKinds: Map<string, IdentityKind>;
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
 * withPerf and useRenderTracking, and writes them into an Audit on every report. Hot-path calls only bump
 * numbers; metric handles and findings are touched at report time.
 */
export class RenderTracker implements Collector {
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
      identityKinds: new Map(),
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
  recordRender(name: string, phase: RenderPhase, durationMs?: number, at: number = now()): void {
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
  recordUnnecessary(name: string, identityOnly: readonly string[], kinds?: readonly IdentityKind[]): void {
    const e = this.entry(name);
    e.unnecessary++;
    for (let i = 0; i < identityOnly.length; i++) {
      const key = identityOnly[i]!;
      const seen = e.identityOnly[key];
      if (seen !== undefined) e.identityOnly[key] = seen + 1;
      else if (e.identityKinds.size < MAX_IDENTITY_KEYS) {
        e.identityOnly[key] = 1;
        e.identityKinds.set(key, kinds?.[i] ?? 'object');
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
      if (e.leakReported || e.navSamples.length < keep) continue;
      let growing = true;
      for (let i = 1; i < e.navSamples.length; i++) {
        if (e.navSamples[i]! <= e.navSamples[i - 1]!) growing = false;
      }
      if (growing) e.leakPending = true;
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
        { unit: '{instance}' },
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
          {
            unit: '{render}',
            description: 'Updates with props and tracked state equal by value to the previous.',
          },
        );
        e.unnecessaryHandle.add(unnecessary);
        e.flushedUnnecessary = e.unnecessary;
        audit.finding(unnecessaryFinding(name, e, unnecessary, this.warnAt));
      }
      if (e.leakPending) {
        e.leakPending = false;
        e.leakReported = true;
        audit.finding({
          rule: 'react.leak-suspect',
          key: name,
          area: 'frontend',
          severity: 'warning',
          title: `${name}: mounted instances grew across ${this.leakNavigations} navigations`,
          message: `Mounted <${name}> instances at the last navigations: ${e.navSamples.join(' -> ')}. Instances that outlive their page usually mean a leak (a cache, portal or list that only grows).`,
          evidence: {
            attributes: { 'react.component': name, ...(this.route ? { 'page.route': this.route } : {}) },
            metrics: [
              { name: 'react.component.mounted', attributes: { 'react.component': name }, value: e.mounted },
            ],
            details: { mountedAtNavigations: e.navSamples.slice(), navigations: this.navigations },
          },
          recommendation:
            'Unmount what a page no longer shows: clear caches and subscriptions in effect cleanups, cap growing lists (virtualize large data grids).',
          how: { method: 'exact', source: 'mount/unmount effects sampled at each navigation' },
        });
      }
    }
    if (this.durations === 'unavailable' && !this.durationsReported) {
      this.durationsReported = true;
      audit.finding({
        rule: 'react.durations-unavailable',
        key: 'react-dom',
        area: 'frontend',
        severity: 'info',
        title: 'React render durations unavailable (production build of react-dom)',
        message:
          'React calls <Profiler onRender> only in development and profiling builds, so react.render.duration is absent; render counts and unnecessary renders are still exact (counted from commit effects).',
        evidence: {},
        recommendation:
          "To measure durations in production, alias 'react-dom/client' to 'react-dom/profiling' in the bundler for a profiling build.",
        how: { method: 'exact', source: 'React Profiler callbacks never fired while commits did' },
      });
    }
  }

  stop(): void {
    this.entries.clear();
    this.ringSize = 0;
  }
}

function unnecessaryFinding(name: string, e: Entry, count: number, warnAt: number): FindingInput {
  const keys = Object.keys(e.identityOnly).sort((a, b) => e.identityOnly[b]! - e.identityOnly[a]!);
  const fns = keys.filter((k) => e.identityKinds.get(k) === 'function');
  const objs = keys.filter((k) => e.identityKinds.get(k) !== 'function');
  const advice = [`Wrap ${name} in React.memo so renders with equal props are skipped`];
  if (fns.length) advice.push(`stabilize ${fns.join(', ')} with useCallback in the parent`);
  if (objs.length) advice.push(`stabilize ${objs.join(', ')} with useMemo in the parent`);
  return {
    rule: 'react.unnecessary-render',
    key: name,
    area: 'frontend',
    severity: e.unnecessary >= warnAt ? 'warning' : 'info',
    title: `${name} re-rendered ${e.unnecessary}× with props equal to the previous render`,
    message: keys.length
      ? `Props new by identity but equal by value: ${keys.join(', ')}.`
      : 'The parent re-rendered and passed the same props.',
    evidence: {
      attributes: { 'react.component': name },
      metrics: [
        { name: 'react.render.unnecessary', attributes: { 'react.component': name }, value: e.unnecessary },
        {
          name: 'react.render.count',
          attributes: { 'react.component': name, 'react.phase': 'update' },
          value: e.updates,
        },
      ],
      details: {
        component: name,
        unnecessaryRenders: e.unnecessary,
        updates: e.updates,
        identityOnlyProps: keys,
        identityOnlyCounts: { ...e.identityOnly },
      },
    },
    recommendation: `${advice.join('; ')} (the React Compiler does both automatically).`,
    how: { method: 'exact', source: 'props compared at commit (useRenderTracking / withPerf)' },
    count,
  };
}
