import type { z } from 'zod';
import { type AuditReport, AuditReportSchema } from './report.js';

/** One bad field of a report: its path (e.g. `metrics.3.p95`) and what is wrong with it. */
export interface SchemaIssue {
  path: string;
  message: string;
}

/** Thrown when input does not match the audit schema; `issues` names every bad field. */
export class ReportSchemaError extends Error {
  override readonly name = 'ReportSchemaError';
  constructor(
    readonly issues: SchemaIssue[],
    what = 'audit report',
  ) {
    super(`invalid ${what}:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
  }
}

export function toSchemaIssues(error: z.ZodError): SchemaIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Validates unknown input (parsed JSON) as an AuditReport, or throws a ReportSchemaError naming every bad path. */
export function parseReport(input: unknown): AuditReport {
  const result = AuditReportSchema.safeParse(input);
  if (!result.success) throw new ReportSchemaError(toSchemaIssues(result.error));
  return result.data;
}

/** Like parseReport but returns the issues instead of throwing. */
export function safeParseReport(
  input: unknown,
): { ok: true; report: AuditReport } | { ok: false; issues: SchemaIssue[] } {
  const result = AuditReportSchema.safeParse(input);
  return result.success
    ? { ok: true, report: result.data }
    : { ok: false, issues: toSchemaIssues(result.error) };
}
