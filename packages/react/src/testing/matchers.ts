import type { AuditReport } from '@perf/core';
import type { RenderMeasurement } from './measureRenders.js';

export interface ReactMatcherResult {
  pass: boolean;
  message: () => string;
}

/** What the React matchers accept: a measureRenders result, an AuditReport, or an Audit. */
export type RendersLike = RenderMeasurement | AuditReport | { report(): AuditReport };

interface Counts {
  renders: number;
  unnecessary: number;
  identityOnly: string[];
}

function countsOf(received: unknown): Map<string, Counts> {
  const out = new Map<string, Counts>();
  const get = (name: string) => {
    let c = out.get(name);
    if (!c) {
      c = { renders: 0, unnecessary: 0, identityOnly: [] };
      out.set(name, c);
    }
    return c;
  };
  if (received && typeof received === 'object' && 'components' in received) {
    for (const [name, s] of Object.entries((received as RenderMeasurement).components)) {
      const c = get(name);
      c.renders = s.mounts + s.updates;
      c.unnecessary = s.unnecessary;
      c.identityOnly = Object.keys(s.identityOnly);
    }
    return out;
  }
  let report: AuditReport;
  if (received && typeof (received as { report?: unknown }).report === 'function') {
    report = (received as { report(): AuditReport }).report();
  } else if (received && typeof received === 'object' && 'metrics' in received) {
    report = received as AuditReport;
  } else {
    throw new TypeError('expected a measureRenders() result, an AuditReport or an Audit');
  }
  for (const m of report.metrics) {
    const name = m.attributes['react.component'];
    if (m.name === 'react.render.count' && m.kind === 'counter' && typeof name === 'string') {
      get(name).renders += m.value;
    }
  }
  for (const f of report.findings) {
    const name = f.evidence.attributes?.['react.component'];
    if (f.rule !== 'react.unnecessary-render' || typeof name !== 'string') continue;
    const c = get(name);
    c.unnecessary += f.occurrences;
    const keys = f.evidence.details?.identityOnlyProps;
    if (Array.isArray(keys)) c.identityOnly = keys.map(String);
  }
  return out;
}

function select(counts: Map<string, Counts>, component?: string): [string, Counts][] {
  if (component === undefined) return [...counts.entries()];
  const c = counts.get(component);
  return c ? [[component, c]] : [];
}

const NOTHING =
  'no tracked renders (wrap components in withPerf or <PerfProfiler>, or call useRenderTracking in them)';

/** Passes when the component (or, without a name, every tracked component) rendered at most n times. */
export function toRenderAtMost(received: RendersLike, n: number, component?: string): ReactMatcherResult {
  const chosen = select(countsOf(received), component);
  if (chosen.length === 0) {
    return {
      pass: false,
      message: () => `expected renders${component ? ` of ${component}` : ''}, but found ${NOTHING}`,
    };
  }
  const over = chosen.filter(([, c]) => c.renders > n);
  const list = (xs: [string, Counts][]) =>
    xs.map(([name, c]) => `  ${name}: ${c.renders} renders`).join('\n');
  return {
    pass: over.length === 0,
    message: () =>
      over.length === 0
        ? `expected more than ${n} renders, got:\n${list(chosen)}`
        : `expected at most ${n} renders, got:\n${list(over)}`,
  };
}

/** Passes when the component (or every tracked component) had no unnecessary re-render. */
export function toHaveNoUnnecessaryRenders(received: RendersLike, component?: string): ReactMatcherResult {
  const chosen = select(countsOf(received), component);
  if (chosen.length === 0) {
    return {
      pass: false,
      message: () => `expected renders${component ? ` of ${component}` : ''}, but found ${NOTHING}`,
    };
  }
  const bad = chosen.filter(([, c]) => c.unnecessary > 0);
  return {
    pass: bad.length === 0,
    message: () =>
      bad.length === 0
        ? `expected unnecessary re-renders, but ${chosen.map(([n]) => n).join(', ')} had none`
        : `expected no unnecessary re-renders, got:\n${bad
            .map(
              ([name, c]) =>
                `  ${name}: ${c.unnecessary} with equal props${c.identityOnly.length ? ` (identity-only: ${c.identityOnly.join(', ')})` : ''}`,
            )
            .join('\n')}`,
  };
}

/** The React matchers for expect.extend (vitest or jest). */
export const reactMatchers = { toRenderAtMost, toHaveNoUnnecessaryRenders };

/** The assertions reactMatchers add to expect(). */
export interface ReactMatchers<R = unknown> {
  /** At most n renders of `component`, or of each tracked component. */
  toRenderAtMost(n: number, component?: string): R;
  /** No re-render with props equal to the previous render's (of `component`, or of any). */
  toHaveNoUnnecessaryRenders(component?: string): R;
}
