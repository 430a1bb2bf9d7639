import { z } from 'zod';
import { BudgetResultSchema } from './budgetResult.js';
import { AreaSchema, SeveritySchema, StatusSchema } from './common.js';
import { SCHEMA_VERSION } from './constants.js';
import { FindingSchema } from './finding.js';
import { MetricSchema } from './metric.js';

export { SCHEMA_VERSION };

export const SubjectSchema = z.object({
  name: z.string().min(1).max(256),
  version: z.string().max(128).optional(),
  commit: z.string().max(128).optional(),
  environment: z.string().max(128).optional(),
});
export type Subject = z.infer<typeof SubjectSchema>;

export const RuntimeSchema = z.object({
  node: z.string().optional(),
  browser: z.string().optional(),
  platform: z.string().optional(),
  arch: z.string().optional(),
  cpus: z.number().positive().optional(),
  /** The memory denominator used for utilization, and where it came from. */
  memoryLimitBytes: z.number().positive().optional(),
  memoryLimitSource: z.enum(['cgroup', 'total-memory', 'heap-limit', 'configured']).optional(),
});

export const AreaSummarySchema = z.object({
  status: StatusSchema,
  metrics: z.number().int().nonnegative(),
  findings: z.record(SeveritySchema, z.number().int().nonnegative()),
  budgets: z.object({
    pass: z.number().int().nonnegative(),
    fail: z.number().int().nonnegative(),
    noData: z.number().int().nonnegative(),
  }),
});
export type AreaSummary = z.infer<typeof AreaSummarySchema>;

/**
 * What fails a report besides its budgets: 'budgets' (budgets only), 'critical' (also any critical finding, the
 * default) or 'warning' (also any warning or critical finding).
 */
export const FailOnSchema = z.enum(['budgets', 'critical', 'warning']);
export type FailOn = z.infer<typeof FailOnSchema>;

export const SummarySchema = z.object({
  status: StatusSchema,
  areas: z.record(AreaSchema, AreaSummarySchema),
  /** The policy the status was judged by; absent in reports written before it (they judged budgets only). */
  failOn: FailOnSchema.optional(),
  /** Why the status is what it is when it is not a pass: each failing budget and finding, or the missing data. */
  reasons: z.array(z.string().max(1024)).max(50).optional(),
});
export type Summary = z.infer<typeof SummarySchema>;

/** The profiler's own health: what it dropped or failed at, so a reader can trust the rest. */
export const DiagnosticsSchema = z.object({
  droppedSeries: z.record(z.string(), z.number().int().nonnegative()),
  droppedFindings: z.number().int().nonnegative(),
  collectorErrors: z.array(
    z.object({ collector: z.string(), message: z.string(), count: z.number().int().positive() }),
  ),
  mergedFrom: z.number().int().positive().optional(),
});
export type Diagnostics = z.infer<typeof DiagnosticsSchema>;

export const AuditReportSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  runId: z.string().min(1),
  startTime: z.iso.datetime(),
  endTime: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  subject: SubjectSchema,
  runtime: RuntimeSchema,
  metrics: z.array(MetricSchema),
  findings: z.array(FindingSchema),
  budgets: z.array(BudgetResultSchema),
  summary: SummarySchema,
  diagnostics: DiagnosticsSchema,
});
export type AuditReport = z.infer<typeof AuditReportSchema>;
