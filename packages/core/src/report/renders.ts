import type { AuditReport } from '../schema/index.js';

/** One component's renders, from @perf/react's metrics. */
export interface ComponentRenders {
  component: string;
  mounts: number;
  updates: number;
  /** Updates whose props and state were equal to the previous render's (react.render.unnecessary). */
  unnecessary: number;
  /** Instances mounted at the last sample (react.component.mounted), when measured. */
  mounted?: number;
  /** Time spent rendering (sum of react.render.duration, both phases), ms, when React measured it. */
  renderMs?: number;
}

const COMPONENT = 'react.component';

/**
 * The per-component render table from the react metrics (react.render.count by react.phase,
 * react.render.unnecessary, react.component.mounted, react.render.duration), most unnecessary renders first,
 * then most updates.
 */
export function componentRenders(report: Pick<AuditReport, 'metrics'>): ComponentRenders[] {
  const rows = new Map<string, ComponentRenders>();
  const row = (c: string) => {
    let r = rows.get(c);
    if (!r) {
      r = { component: c, mounts: 0, updates: 0, unnecessary: 0 };
      rows.set(c, r);
    }
    return r;
  };
  for (const m of report.metrics) {
    const c = m.attributes[COMPONENT];
    if (c === undefined) continue;
    const name = String(c);
    if (m.name === 'react.render.count' && m.kind === 'counter') {
      if (m.attributes['react.phase'] === 'mount') row(name).mounts += m.value;
      else if (m.attributes['react.phase'] === 'update') row(name).updates += m.value;
    } else if (m.name === 'react.render.unnecessary' && m.kind === 'counter')
      row(name).unnecessary += m.value;
    else if (m.name === 'react.component.mounted' && m.kind === 'gauge') {
      const r = row(name);
      r.mounted = (r.mounted ?? 0) + m.value;
    } else if (m.name === 'react.render.duration' && m.kind === 'histogram') {
      const r = row(name);
      r.renderMs = (r.renderMs ?? 0) + m.sum;
    }
  }
  return [...rows.values()].sort(
    (a, b) =>
      b.unnecessary - a.unnecessary ||
      b.updates - a.updates ||
      b.mounts - a.mounts ||
      (a.component < b.component ? -1 : 1),
  );
}
