import type { AuditReport, Finding, GaugeMetric } from '@perf/core';

/** The findings of one rule. */
export const findings = (report: AuditReport, rule: string): Finding[] =>
  report.findings.filter((f) => f.rule === rule);

/** A gauge of one statement fingerprint. */
export const gauge = (report: AuditReport, name: string, fingerprint: string) =>
  report.metrics.find(
    (m): m is GaugeMetric =>
      m.name === name && m.kind === 'gauge' && m.attributes['db.query.fingerprint'] === fingerprint,
  );
