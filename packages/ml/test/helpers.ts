import { fileURLToPath } from 'node:url';
import { type AuditReport, createAudit } from '@perf/core';

/** Absolute path of a test fixture. */
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export const MiB = 1024 * 1024;

/** A fresh audit for one test. */
export const newAudit = () => createAudit({ subject: 'ml-test' });

/** The metric of a report by name and (a subset of) attributes. */
export function metric(report: AuditReport, name: string, attrs: Record<string, string> = {}) {
  return report.metrics.find(
    (m) => m.name === name && Object.entries(attrs).every(([k, v]) => String(m.attributes[k]) === v),
  );
}

/** The findings of a report with a rule. */
export const findings = (report: AuditReport, rule: string) => report.findings.filter((f) => f.rule === rule);

/** Parses "KEY n m" lines a fixture prints. */
export function field(stdout: string, key: string): number[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`${key} `));
  if (!line) throw new Error(`no ${key} line in: ${stdout}`);
  return line.split(' ').slice(1).map(Number);
}
