import type { FindingInput, MetricOptions } from '@perf/core/recorder';
import type { IdentityKind } from './sink.js';

/** Options of the two react.* metrics the core catalog does not describe. */
export const UNNECESSARY_METRIC: MetricOptions = {
  unit: '{render}',
  description: 'Updates with props and tracked state equal by value to the previous.',
};
export const MOUNTED_METRIC: MetricOptions = { unit: '{instance}' };

/** What the unnecessary-render finding says about one component. */
export interface UnnecessaryStats {
  /** Unnecessary renders shown in the title and evidence (the tracker's total, or a beacon's share). */
  unnecessary: number;
  /** Updates over the same span. */
  updates: number;
  /** Props (or state keys) that changed identity only, with how often. */
  identityOnly: Record<string, number>;
  /** Whether each identity-only key held a function or an object. */
  identityKinds: Record<string, IdentityKind>;
}

/** react.unnecessary-render for `name`: `count` new occurrences; warning from `warnAt` unnecessary renders. */
export function unnecessaryFinding(
  name: string,
  s: UnnecessaryStats,
  count: number,
  warnAt: number,
): FindingInput {
  const keys = Object.keys(s.identityOnly).sort((a, b) => s.identityOnly[b]! - s.identityOnly[a]!);
  const fns = keys.filter((k) => s.identityKinds[k] === 'function');
  const objs = keys.filter((k) => s.identityKinds[k] !== 'function');
  const advice = [`Wrap ${name} in React.memo so renders with equal props are skipped`];
  if (fns.length) advice.push(`stabilize ${fns.join(', ')} with useCallback in the parent`);
  if (objs.length) advice.push(`stabilize ${objs.join(', ')} with useMemo in the parent`);
  return {
    rule: 'react.unnecessary-render',
    key: name,
    area: 'frontend',
    severity: s.unnecessary >= warnAt ? 'warning' : 'info',
    title: `${name} re-rendered ${s.unnecessary}× with props equal to the previous render`,
    message: keys.length
      ? `Props new by identity but equal by value: ${keys.join(', ')}.`
      : 'The parent re-rendered and passed the same props.',
    evidence: {
      attributes: { 'react.component': name },
      metrics: [
        { name: 'react.render.unnecessary', attributes: { 'react.component': name }, value: s.unnecessary },
        {
          name: 'react.render.count',
          attributes: { 'react.component': name, 'react.phase': 'update' },
          value: s.updates,
        },
      ],
      details: {
        component: name,
        unnecessaryRenders: s.unnecessary,
        updates: s.updates,
        identityOnlyProps: keys,
        identityOnlyCounts: { ...s.identityOnly },
      },
    },
    recommendation: `${advice.join('; ')} (the React Compiler does both automatically).`,
    how: { method: 'exact', source: 'props compared at commit (useRenderTracking / withPerf)' },
    count,
  };
}

/** Whether the last `navigations + 1` mounted-count samples grow strictly at each navigation. */
export function growing(samples: readonly number[], navigations: number): boolean {
  if (samples.length < navigations + 1) return false;
  const from = samples.length - navigations - 1;
  for (let i = from + 1; i < samples.length; i++) if (samples[i]! <= samples[i - 1]!) return false;
  return true;
}

/** react.leak-suspect: `name`'s mounted instances grew across the last `navigations` navigations. */
export function leakFinding(
  name: string,
  samples: readonly number[],
  navigations: number,
  totalNavigations: number,
  route?: string,
): FindingInput {
  const mounted = samples[samples.length - 1] ?? 0;
  return {
    rule: 'react.leak-suspect',
    key: name,
    area: 'frontend',
    severity: 'warning',
    title: `${name}: mounted instances grew across ${navigations} navigations`,
    message: `Mounted <${name}> instances at the last navigations: ${samples.join(' -> ')}. Instances that outlive their page usually mean a leak (a cache, portal or list that only grows).`,
    evidence: {
      attributes: { 'react.component': name, ...(route ? { 'page.route': route } : {}) },
      metrics: [{ name: 'react.component.mounted', attributes: { 'react.component': name }, value: mounted }],
      details: { mountedAtNavigations: samples.slice(), navigations: totalNavigations },
    },
    recommendation:
      'Unmount what a page no longer shows: clear caches and subscriptions in effect cleanups, cap growing lists (virtualize large data grids).',
    how: { method: 'exact', source: 'mount/unmount effects sampled at each navigation' },
  };
}

/** react.durations-unavailable: commits were seen but React never called <Profiler onRender>. */
export function durationsUnavailableFinding(): FindingInput {
  return {
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
  };
}
