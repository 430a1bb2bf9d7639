import type { AuditReport, Finding } from '@perf/core';
import { type Logger, type LogRecord, SEVERITY_NUMBER, SEVERITY_TEXT } from './otelTypes.js';

/** Findings remembered to send only new occurrences; beyond this a finding may be sent again. */
const MAX_TRACKED = 10_000;

type LogAttributes = NonNullable<LogRecord['attributes']>;

/** The log record for a finding: body is the title (and message), attributes carry rule, evidence and how. */
export function findingToLogRecord(f: Finding, newOccurrences: number): LogRecord {
  const attributes: LogAttributes = {
    'perf.finding.rule': f.rule,
    'perf.finding.key': f.key,
    'perf.finding.area': f.area,
    'perf.finding.severity': f.severity,
    'perf.finding.occurrences': f.occurrences,
    'perf.finding.new_occurrences': newOccurrences,
    'perf.finding.recommendation': f.recommendation,
    'perf.finding.how.method': f.how.method,
    'perf.finding.how.source': f.how.source,
    ...(f.how.intervalMs !== undefined ? { 'perf.finding.how.interval_ms': f.how.intervalMs } : {}),
    // Evidence attributes already follow the semantic conventions (http.route, db.query.fingerprint ...).
    ...(f.evidence.attributes ?? {}),
    ...(f.evidence.samples?.length ? { 'perf.finding.samples': f.evidence.samples } : {}),
    ...(f.evidence.stack?.length ? { 'perf.finding.stack': f.evidence.stack } : {}),
  };
  return {
    eventName: 'perf.finding',
    timestamp: Date.parse(f.lastSeen),
    severityNumber: SEVERITY_NUMBER[f.severity],
    severityText: SEVERITY_TEXT[f.severity],
    body: f.message ? `${f.title}: ${f.message}` : f.title,
    attributes,
  };
}

/** Sends each finding once, then again only when its occurrence count grows (with the new occurrences). */
export class FindingLogEmitter {
  private readonly sent = new Map<string, number>();
  private runId: string | undefined;
  constructor(private readonly logger: Logger) {}

  /** Emits what is new in `report`; returns the number of log records emitted. */
  emit(report: AuditReport): number {
    // audit.reset() starts a new run id and counts from zero: what was sent before no longer applies.
    if (report.runId !== this.runId) this.sent.clear();
    this.runId = report.runId;
    let n = 0;
    for (const f of report.findings) {
      const id = `${f.rule}\u0000${f.key}`;
      const before = this.sent.get(id) ?? 0;
      if (f.occurrences <= before) continue;
      this.logger.emit(findingToLogRecord(f, f.occurrences - before));
      if (this.sent.has(id) || this.sent.size < MAX_TRACKED) this.sent.set(id, f.occurrences);
      n++;
    }
    return n;
  }

  /** Forgets what was sent (after audit.reset(), counts start over). */
  clear(): void {
    this.sent.clear();
  }
}
