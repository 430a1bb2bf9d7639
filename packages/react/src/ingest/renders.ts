import type { Audit } from '@perf/core';
import {
  durationsUnavailableFinding,
  growing,
  leakFinding,
  MOUNTED_METRIC,
  UNNECESSARY_METRIC,
  unnecessaryFinding,
} from '../render/renderFindings.js';
import type { IdentityKind } from '../render/sink.js';
import { recordBuckets } from './buckets.js';
import type { ReactBeacon } from './schema.js';

export interface RenderOptions {
  /** Unnecessary renders of one component in a beacon at which its finding becomes a warning. */
  unnecessaryWarnAt: number;
  /** Consecutive navigations over which mounted instances must grow to be a leak suspect. */
  leakNavigations: number;
}

/**
 * A beacon's render counters into the audit: react.render.count per phase, react.render.duration (when React
 * measured it), react.component.mounted, react.render.unnecessary with its finding, the leak-suspect check
 * over the mounted counts at navigations, and the durations-unavailable note of production builds.
 */
export function recordRenders(audit: Audit, beacon: ReactBeacon, options: RenderOptions): void {
  const history = beacon.routes;
  const route = history[history.length - 1]![1];
  for (const r of beacon.renders ?? []) {
    const component = { 'react.component': r.c };
    if (r.m > 0) audit.counter('react.render.count', { ...component, 'react.phase': 'mount' }).add(r.m);
    if (r.u > 0) audit.counter('react.render.count', { ...component, 'react.phase': 'update' }).add(r.u);
    audit.gauge('react.component.mounted', component, { ...MOUNTED_METRIC, area: 'frontend' }).set(r.i);
    for (const phase of ['mount', 'update'] as const) {
      const b = r.d?.[phase === 'mount' ? 'm' : 'u'];
      if (b)
        recordBuckets(audit.histogram('react.render.duration', { ...component, 'react.phase': phase }), b);
    }
    if (r.x > 0) {
      audit
        .counter('react.render.unnecessary', component, { ...UNNECESSARY_METRIC, area: 'frontend' })
        .add(r.x);
      const identityOnly: Record<string, number> = {};
      const identityKinds: Record<string, IdentityKind> = {};
      for (const [key, [n, kind]] of Object.entries(r.p ?? {})) {
        identityOnly[key] = n;
        identityKinds[key] = kind;
      }
      audit.finding(
        unnecessaryFinding(
          r.c,
          { unnecessary: r.x, updates: r.u, identityOnly, identityKinds },
          r.x,
          options.unnecessaryWarnAt,
        ),
      );
    }
    if (r.nav && growing(r.nav, options.leakNavigations)) {
      const samples = r.nav.slice(-(options.leakNavigations + 1));
      audit.finding(leakFinding(r.c, samples, options.leakNavigations, beacon.routes.length - 1, route));
    }
  }
  if (beacon.durations === false) audit.finding(durationsUnavailableFinding());
}
