import type { Area, Evidence, Finding, How, Impact, Severity } from '../schema/index.js';

/** What a collector reports; the store fills in key, counts and timestamps. */
export interface FindingInput {
  rule: string;
  /** Findings with the same rule and key merge; defaults to the title. */
  key?: string;
  area: Area;
  severity: Severity;
  title: string;
  message?: string;
  evidence?: Evidence;
  recommendation: string;
  /** What fixing it gains (the share of request, query or wall time its cause explains). */
  impact?: Impact;
  how: How;
  /** Occurrences this call stands for (default 1). */
  count?: number;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** Findings merged by rule and key, capped in number so no input grows memory without bound. */
export class FindingStore {
  private readonly byKey = new Map<string, Finding>();
  dropped = 0;

  constructor(private readonly max: number) {}

  add(input: FindingInput | Finding, at: string): void {
    const key = input.key ?? input.title;
    const id = `${input.rule}\u0000${key}`;
    const count = 'occurrences' in input ? input.occurrences : (input.count ?? 1);
    const existing = this.byKey.get(id);
    if (existing) {
      existing.occurrences += count;
      existing.lastSeen = 'lastSeen' in input && input.lastSeen > at ? input.lastSeen : at;
      if (RANK[input.severity] > RANK[existing.severity]) existing.severity = input.severity;
      // The latest evidence is the most informative (a leak's current rate, an N+1's latest count).
      existing.evidence = input.evidence ?? existing.evidence;
      if (input.impact) existing.impact = input.impact;
      existing.title = input.title;
      if (input.message) existing.message = input.message;
      return;
    }
    if (this.byKey.size >= this.max) {
      this.dropped += count;
      return;
    }
    this.byKey.set(id, {
      rule: input.rule,
      key,
      area: input.area,
      severity: input.severity,
      title: input.title,
      ...(input.message ? { message: input.message } : {}),
      evidence: input.evidence ?? {},
      recommendation: input.recommendation,
      ...(input.impact ? { impact: input.impact } : {}),
      occurrences: count,
      how: input.how,
      firstSeen: 'firstSeen' in input ? input.firstSeen : at,
      lastSeen: 'lastSeen' in input ? input.lastSeen : at,
    });
  }

  list(): Finding[] {
    return [...this.byKey.values()]
      .sort((a, b) => RANK[b.severity] - RANK[a.severity] || b.occurrences - a.occurrences)
      .map((f) => structuredClone(f));
  }

  clear(): void {
    this.byKey.clear();
    this.dropped = 0;
  }
}
