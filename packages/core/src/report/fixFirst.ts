import type { AuditReport, Finding, Severity } from '../schema/index.js';
import { formatValue } from './format.js';

/** One entry of the "Fix first" list: a finding, where it is, and what fixing it gains, in words. */
export interface FixFirstItem {
  /** 1 for the first thing to fix. */
  rank: number;
  finding: Finding;
  /** Where the cause is: the impact's scope, else the route, component, job or fingerprint in the evidence. */
  where?: string;
  /** e.g. "explains ~38% of GET /contributions request time; fixing it saves ~1.2 s over 142 occurrences". */
  gain: string;
}

export interface FixFirstOptions {
  /** At most this many entries (default 5). */
  max?: number;
  /** Info findings only fill the list up to this many entries (default 3). */
  min?: number;
}

const SEVERITY: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** 0 when the finding carries an estimated saving, 1 a share only, 2 no impact at all. */
const impactGroup = (f: Finding) => (f.impact?.savingMs !== undefined ? 0 : f.impact ? 1 : 2);

/**
 * The "Fix first" order: non-info findings before info ones; among them findings with an estimated saving
 * (largest first), then findings with only a share (largest first), then findings without impact; ties and
 * the findings without impact go by severity, then occurrences.
 */
export function compareByImpact(a: Finding, b: Finding): number {
  const info = Number(a.severity === 'info') - Number(b.severity === 'info');
  if (info) return info;
  const ga = impactGroup(a);
  const gb = impactGroup(b);
  if (ga !== gb) return ga - gb;
  if (ga === 0) {
    const d = b.impact!.savingMs! - a.impact!.savingMs!;
    if (d) return d;
  }
  if (ga === 1) {
    const d = b.impact!.share - a.impact!.share;
    if (d) return d;
  }
  return (
    SEVERITY[b.severity] - SEVERITY[a.severity] ||
    b.occurrences - a.occurrences ||
    (b.impact?.share ?? 0) - (a.impact?.share ?? 0) ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

/** Where a finding's cause is, from its impact or its evidence; undefined when neither says. */
export function whereOf(f: Finding): string | undefined {
  if (f.impact?.scope) return f.impact.scope;
  const a = f.evidence.attributes ?? {};
  const s = (k: string) => (a[k] === undefined ? '' : String(a[k]));
  const route = s('http.route');
  if (route) return s('http.request.method') ? `${s('http.request.method')} ${route}` : route;
  for (const k of ['react.component', 'ml.job.name', 'page.route', 'db.query.fingerprint', 'cache.name'])
    if (s(k)) return s(k);
  return undefined;
}

const percent = (share: number) => (share > 0 && share < 0.01 ? '<1%' : `~${Math.round(share * 100)}%`);

/** A scope reads inline ("of GET /x request time") when it is one short name, not a list. */
const shortScope = (scope: string) => scope.length <= 60 && !scope.includes(', ');

/**
 * What fixing a finding gains, in words: its share of which time, and the saving over its occurrences. A short
 * scope reads inline ("explains ~38% of GET /x request time"), a long one or a list after ("of request time in
 * GET /a, GET /b and 2 more"), or as "there" with `scopeShown` (the reader sees the scope beside it already).
 */
export function gainInWords(f: Finding, options: { scopeShown?: boolean } = {}): string {
  const n = f.occurrences;
  const impact = f.impact;
  if (!impact) return `seen ${n} time${n === 1 ? '' : 's'}; no estimate of its share`;
  const scope = impact.scope;
  const of = !scope
    ? impact.of
    : shortScope(scope)
      ? `${scope} ${impact.of}`
      : options.scopeShown
        ? `${impact.of} there`
        : `${impact.of} in ${scope}`;
  let words = `explains ${percent(impact.share)} of ${of}`;
  if (impact.savingMs !== undefined)
    // What an occurrence is differs by rule (a request, a query, a report window), so it is not named.
    words += `; fixing it saves ~${formatValue(impact.savingMs, 'ms')} over ${n.toLocaleString('en-US')} occurrence${n === 1 ? '' : 's'}`;
  return words;
}

/**
 * The few findings to fix first, ranked by impact (see compareByImpact): at most `max` (5), one per rule and
 * key, info findings only while fewer than `min` (3) entries are listed. A critical finding, which fails the
 * status, is never left out for a lower-severity one: when the ranking would leave it below the cut, it takes
 * the place of the last non-critical entry (and keeps its rank order). A pure function of the report.
 */
export function fixFirst(
  report: Pick<AuditReport, 'findings'>,
  options: FixFirstOptions = {},
): FixFirstItem[] {
  const max = Math.max(0, options.max ?? 5);
  const min = Math.min(max, Math.max(0, options.min ?? 3));
  const seen = new Set<string>();
  const ranked: Finding[] = [];
  for (const f of [...report.findings].sort(compareByImpact)) {
    const id = `${f.rule}\u0000${f.key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    ranked.push(f);
  }
  const chosen: Finding[] = [];
  for (const f of ranked) {
    if (chosen.length >= max) break;
    if (f.severity === 'info' && chosen.length >= min) break;
    chosen.push(f);
  }
  for (const f of ranked.slice(chosen.length)) {
    if (f.severity !== 'critical' || chosen.includes(f)) continue;
    let last = -1;
    for (let i = chosen.length - 1; i >= 0; i--)
      if (chosen[i]!.severity !== 'critical') {
        last = i;
        break;
      }
    if (last < 0) break;
    chosen.splice(last, 1);
    chosen.push(f);
  }
  return chosen.map((f, i) => {
    const where = whereOf(f);
    const gain = gainInWords(f, { scopeShown: where !== undefined && where === f.impact?.scope });
    return { rank: i + 1, finding: f, ...(where ? { where } : {}), gain };
  });
}
