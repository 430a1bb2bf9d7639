import { readFileSync } from 'node:fs';
import {
  AuditReportSchema,
  FindingSchema,
  MetricSchema,
  parseReport,
  ReportSchemaError,
  SCHEMA_VERSION,
  safeParseReport,
} from '@perf/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sampleAudit, sampleReport } from './fixtures.js';

/** Paths of every issue parseReport reports for `input`. */
function issuePaths(input: unknown): string[] {
  try {
    parseReport(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ReportSchemaError);
    return (err as ReportSchemaError).issues.map((i) => i.path).sort();
  }
  throw new Error('expected parseReport to reject the input');
}

describe('AuditReport schema: round trip', () => {
  it('a real report survives JSON and parseReport unchanged', () => {
    const report = sampleAudit().report();
    expect(report.schemaVersion).toBe(SCHEMA_VERSION);
    expect(new Set(report.metrics.map((m) => m.kind))).toEqual(new Set(['histogram', 'gauge', 'counter']));
    expect(report.findings).toHaveLength(3);
    expect(new Set(report.budgets.map((b) => b.status))).toEqual(new Set(['pass', 'fail', 'no-data']));
    const parsed = parseReport(JSON.parse(JSON.stringify(report)));
    // toStrictEqual also catches keys set to undefined, which JSON would silently drop.
    expect(parsed).toStrictEqual(report);
    expect(safeParseReport(JSON.parse(JSON.stringify(report)))).toStrictEqual({ ok: true, report });
  });

  it('a merged report with per-run summaries and mergedFrom round-trips too', () => {
    const a = sampleReport();
    const audit = sampleAudit();
    audit.ingest(a, { keepRuns: true });
    audit.ingest(sampleReport(), { keepRuns: true });
    const merged = audit.report();
    expect(merged.diagnostics.mergedFrom).toBe(2);
    expect(parseReport(JSON.parse(JSON.stringify(merged)))).toStrictEqual(merged);
  });

  it('unknown keys are dropped, not kept, so the output always matches the schema', () => {
    const input = { ...sampleReport(), extra: 'x' };
    expect(parseReport(input)).not.toHaveProperty('extra');
  });
});

describe('AuditReport schema: rejections name every bad path', () => {
  it('names metrics.0.p95, findings.1.severity and every other bad field at once', () => {
    const bad = sampleReport() as unknown as Record<string, unknown> & {
      metrics: Record<string, unknown>[];
      findings: Record<string, unknown>[];
      budgets: Record<string, unknown>[];
      subject: Record<string, unknown>;
    };
    const hist = bad.metrics.findIndex((m) => m.kind === 'histogram');
    expect(hist).toBe(0);
    bad.metrics[0]!.p95 = 'fast';
    bad.findings[1]!.severity = 'urgent';
    bad.budgets[2]!.status = 'ok';
    bad.subject.name = '';
    bad.startTime = 'yesterday';
    bad.schemaVersion = 2;
    const paths = issuePaths(bad);
    expect(paths).toEqual(
      [
        'budgets.2.status',
        'findings.1.severity',
        'metrics.0.p95',
        'schemaVersion',
        'startTime',
        'subject.name',
      ].sort(),
    );
  });

  it('the error message lists each path with its reason', () => {
    const bad = sampleReport() as unknown as { metrics: Record<string, unknown>[] };
    bad.metrics[0]!.count = -1;
    bad.metrics[0]!.buckets = { scale: 99, zeroCount: 0, positive: { offset: 0, counts: [1.5] } };
    let error: ReportSchemaError | undefined;
    try {
      parseReport(bad);
    } catch (err) {
      error = err as ReportSchemaError;
    }
    expect(error?.name).toBe('ReportSchemaError');
    const paths = error!.issues.map((i) => i.path).sort();
    expect(paths).toEqual([
      'metrics.0.buckets.negative',
      'metrics.0.buckets.positive.counts.0',
      'metrics.0.buckets.scale',
      'metrics.0.count',
    ]);
    for (const p of paths) expect(error!.message).toContain(`  - ${p}: `);
    expect(error!.message.startsWith('invalid audit report:\n')).toBe(true);
  });

  it('a metric of an unknown kind, a bad rule id and a short timeline are each named', () => {
    const bad = sampleReport() as unknown as {
      metrics: Record<string, unknown>[];
      findings: Record<string, unknown>[];
    };
    const gauge = bad.metrics.findIndex((m) => m.kind === 'gauge');
    const counter = bad.metrics.findIndex((m) => m.kind === 'counter');
    bad.metrics[counter]!.kind = 'summary';
    bad.metrics[gauge]!.timeline = { t: [0, 1], v: [1] };
    bad.findings[0]!.rule = 'Not A Rule';
    bad.findings[2]!.how = { method: 'guessed', source: '' };
    expect(issuePaths(bad)).toEqual(
      [
        `metrics.${counter}.kind`,
        `metrics.${gauge}.timeline`,
        'findings.0.rule',
        'findings.2.how.method',
        'findings.2.how.source',
      ].sort(),
    );
  });

  it('non-objects and empty input are rejected at the root', () => {
    expect(() => parseReport(null)).toThrow(ReportSchemaError);
    expect(issuePaths('report')).toEqual(['']);
    const missing = issuePaths({});
    for (const key of ['schemaVersion', 'runId', 'metrics', 'findings', 'budgets', 'summary', 'diagnostics'])
      expect(missing).toContain(key);
    expect(safeParseReport({ schemaVersion: 1 })).toMatchObject({ ok: false });
  });

  it('the parts of the schema validate on their own', () => {
    const r = sampleReport();
    expect(MetricSchema.parse(r.metrics[0])).toStrictEqual(r.metrics[0]);
    expect(FindingSchema.safeParse({ ...r.findings[0], occurrences: 0 }).success).toBe(false);
  });
});

describe('audit.schema.json', () => {
  it('equals what scripts/write-json-schema.mjs generates from the zod schema now', () => {
    const generated = z.toJSONSchema(AuditReportSchema, { target: 'draft-2020-12', io: 'input' });
    generated.$id = 'https://perf-audit.dev/schema/audit-report-v1.json';
    generated.title = 'perf-audit AuditReport v1';
    const committed = readFileSync(new URL('../audit.schema.json', import.meta.url), 'utf8');
    // Byte-for-byte, as the script writes it: any schema change without regenerating fails here.
    expect(committed).toBe(`${JSON.stringify(generated, null, 2)}\n`);
  });

  it('the script still generates the file the same way', () => {
    const script = readFileSync(new URL('../scripts/write-json-schema.mjs', import.meta.url), 'utf8');
    expect(script).toContain("z.toJSONSchema(AuditReportSchema, { target: 'draft-2020-12', io: 'input' })");
    expect(script).toContain("schema.$id = 'https://perf-audit.dev/schema/audit-report-v1.json'");
    expect(script).toContain("schema.title = 'perf-audit AuditReport v1'");
  });
});
