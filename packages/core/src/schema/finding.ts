import { z } from 'zod';
import { AreaSchema, AttributesSchema, SeveritySchema } from './common.js';

export const MetricRefSchema = z.object({
  name: z.string(),
  attributes: AttributesSchema.optional(),
  statistic: z.string().optional(),
  value: z.number().optional(),
  unit: z.string().optional(),
});

/** How a finding was measured: readers must know whether a number is exact or sampled. */
export const HowSchema = z.object({
  method: z.enum(['exact', 'sampled', 'estimated', 'static']),
  source: z.string().min(1).max(512),
  intervalMs: z.number().positive().optional(),
});
export type How = z.infer<typeof HowSchema>;

export const EvidenceSchema = z.object({
  metrics: z.array(MetricRefSchema).max(50).optional(),
  /** Sample statements or payloads, redacted. */
  samples: z.array(z.string().max(4096)).max(20).optional(),
  /** Application stack frames, first outside node_modules first. */
  stack: z.array(z.string().max(1024)).max(30).optional(),
  attributes: AttributesSchema.optional(),
  /** Paths of artifacts written as evidence (.cpuprofile, screenshots). */
  artifacts: z.array(z.string().max(1024)).max(20).optional(),
  details: z.record(z.string(), z.json()).optional(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/**
 * What fixing a finding gains: the share of some total its cause explains, where, and the saving expected. The
 * "Fix first" ranking orders findings by it; a finding without one ranks by severity and occurrences.
 */
export const ImpactSchema = z.object({
  /** Share (0..1) of `of` that this finding's cause explains. */
  share: z.number().min(0).max(1),
  /** What the share is of. */
  of: z.enum(['request time', 'query time', 'wall time', 'render time', 'job time']),
  /** Where that total was measured: a route ('GET /api/x'), a fingerprint, a component, a job. */
  scope: z.string().max(512).optional(),
  /** Estimated time saved by the fix, ms, summed over the occurrences seen. */
  savingMs: z.number().nonnegative().optional(),
  /** One line: how the share and the saving were estimated. */
  basis: z.string().min(1).max(512),
});
export type Impact = z.infer<typeof ImpactSchema>;

export const FindingSchema = z.object({
  rule: z.string().regex(/^[a-z0-9]+(\.[a-z0-9-]+)+$/, 'rule ids look like "area.kebab-name"'),
  /** Findings with the same rule and key merge into one with an occurrence count. */
  key: z.string().max(1024),
  area: AreaSchema,
  severity: SeveritySchema,
  title: z.string().min(1).max(512),
  message: z.string().max(4096).optional(),
  evidence: EvidenceSchema,
  recommendation: z.string().max(2048),
  /** What fixing it gains, where the collector can tell (see ImpactSchema). */
  impact: ImpactSchema.optional(),
  occurrences: z.number().int().positive(),
  how: HowSchema,
  firstSeen: z.iso.datetime(),
  lastSeen: z.iso.datetime(),
});
export type Finding = z.infer<typeof FindingSchema>;
