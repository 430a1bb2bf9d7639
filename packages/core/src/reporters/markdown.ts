import { reviewChecklist } from '../report/checklist.js';
import { detailFields } from '../report/details.js';
import { compareByImpact, fixFirst, gainInWords } from '../report/fixFirst.js';
import { formatAttributes, formatValue } from '../report/format.js';
import { componentRenders } from '../report/renders.js';
import type { AuditReport, Finding, Severity, Status } from '../schema/index.js';
import type { Reporter } from './reporter.js';

const MARK: Record<Status, string> = { pass: '[x]', fail: '[ ] ❌', 'no-data': '[ ] (no data)' };
const ICON: Record<Status, string> = { pass: '✅ pass', fail: '❌ fail', 'no-data': '⚪ no data' };

// App strings (titles, routes, component names, SQL) come from browsers and are hostile: markdown's inline
// syntax (emphasis, links, raw HTML, code, tables) is escaped and newlines fold, so a string stays one text span.
const cell = (s: string) => s.replace(/[\\`*_[\]<>|~&]/g, '\\$&').replace(/\s*[\r\n]+\s*/g, ' ');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
// Inside a table a code span still splits on '|': GFM wants it escaped there (and renders it as '|').
const codeCell = (s: string) => code(s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' '));

function findingBlock(f: Finding): string {
  const lines = [`- **${cell(f.title)}** (${code(f.rule)}, ×${f.occurrences})`];
  if (f.message) lines.push(`  - ${cell(f.message)}`);
  for (const m of f.evidence.metrics ?? []) {
    const v = m.value !== undefined ? ` = ${formatValue(m.value, m.unit ?? '', m.name)}` : '';
    lines.push(
      `  - evidence: ${code(m.name)} ${m.statistic ?? ''}${v} ${cell(formatAttributes(m.attributes))}`.trimEnd(),
    );
  }
  if (f.evidence.attributes) lines.push(`  - where: ${cell(formatAttributes(f.evidence.attributes))}`);
  for (const s of f.evidence.samples ?? []) lines.push(`  - sample: ${code(s.replace(/\s+/g, ' '))}`);
  if (f.evidence.stack?.[0]) lines.push(`  - at: ${code(f.evidence.stack[0])}`);
  for (const a of f.evidence.artifacts ?? []) lines.push(`  - artifact: ${code(a)}`);
  for (const d of detailFields(f.evidence.details)) lines.push(`  - ${cell(d.label)}: ${cell(d.value)}`);
  if (f.impact) lines.push(`  - impact: ${cell(gainInWords(f))} (${cell(f.impact.basis)})`);
  lines.push(`  - recommendation: ${cell(f.recommendation)}`);
  const interval = f.how.intervalMs ? `, every ${f.how.intervalMs} ms` : '';
  lines.push(`  - measured: ${f.how.method} (${cell(f.how.source)}${interval})`);
  return lines.join('\n');
}

function fixFirstSection(r: AuditReport): string[] {
  const items = fixFirst(r);
  if (items.length === 0) return ['## Fix first', '', 'Nothing to fix first: no findings.'];
  const out = ['## Fix first', ''];
  for (const { rank, finding: f, where, gain } of items) {
    out.push(`${rank}. **${cell(f.title)}** (${code(f.rule)}, ${f.severity}, ×${f.occurrences})`);
    if (where) out.push(`   - where: ${cell(where)}`);
    out.push(`   - gain: ${cell(gain)}`);
    out.push(`   - fix: ${cell(f.recommendation)}`);
  }
  return out;
}

function rendersSection(r: AuditReport): string[] {
  const rows = componentRenders(r);
  if (rows.length === 0) return [];
  const out = [
    '## Renders per component',
    '',
    '| Component | Mounts | Updates | Unnecessary | Mounted now | Render time |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of rows.slice(0, 50))
    out.push(
      `| ${cell(c.component)} | ${c.mounts} | ${c.updates} | ${c.unnecessary} | ${c.mounted ?? '–'} | ${c.renderMs === undefined ? '–' : formatValue(c.renderMs, 'ms')} |`,
    );
  if (rows.length > 50) out.push('', `… and ${rows.length - 50} more components.`);
  return [...out, ''];
}

function render(r: AuditReport): string {
  const out: string[] = [];
  out.push(`# Performance audit: ${cell(r.subject.name)}`, '');
  out.push(
    `**Overall: ${ICON[r.summary.status]}** · run \`${r.runId}\` · ${r.startTime} · ${formatValue(r.durationMs, 'ms')}`,
    '',
  );
  for (const reason of r.summary.reasons ?? []) out.push(`- ${cell(reason)}`);
  if (r.summary.reasons?.length) out.push('');
  out.push(...fixFirstSection(r), '');
  out.push(
    '| Area | Status | Budgets pass / fail / no data | Findings critical / warning / info | Metrics |',
  );
  out.push('| --- | --- | --- | --- | --- |');
  for (const [area, s] of Object.entries(r.summary.areas)) {
    out.push(
      `| ${area} | ${ICON[s.status]} | ${s.budgets.pass} / ${s.budgets.fail} / ${s.budgets.noData} | ${s.findings.critical} / ${s.findings.warning} / ${s.findings.info} | ${s.metrics} |`,
    );
  }
  out.push('', '## Performance Review Checklist', '');
  for (const item of reviewChecklist(r)) out.push(`- ${MARK[item.status]} ${item.label}: ${cell(item.why)}`);
  out.push('', '## Budgets', '');
  if (r.budgets.length === 0) out.push('No budgets were configured.');
  else {
    out.push(
      '| Status | Metric | Where | Budget | Observed | Series failed |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const b of r.budgets) {
      const where = cell(formatAttributes(b.attributes ?? b.where));
      const observed =
        b.status === 'no-data'
          ? `– (${cell(b.reason ?? 'no data')})`
          : formatValue(b.observed, b.unit, b.metric);
      out.push(
        `| ${ICON[b.status]} | ${codeCell(b.metric)} | ${where} | ${codeCell(b.expression)} | ${observed} | ${b.seriesFailed} / ${b.seriesChecked} |`,
      );
    }
  }
  out.push('', '## Findings', '');
  if (r.findings.length === 0) out.push('No findings.');
  for (const sev of ['critical', 'warning', 'info'] as Severity[]) {
    const fs = r.findings.filter((f) => f.severity === sev).sort(compareByImpact);
    if (fs.length === 0) continue;
    out.push(`### ${sev} (${fs.length})`, '', ...fs.map(findingBlock), '');
  }
  out.push('', ...rendersSection(r));
  out.push('', '## Metrics', '');
  const hist = r.metrics.filter((m) => m.kind === 'histogram');
  if (hist.length) {
    out.push(
      '| Histogram | Attributes | Count | p50 | p95 | p99 | Max |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const m of hist) {
      const f = (v: number) => formatValue(v, m.unit, m.name);
      out.push(
        `| ${codeCell(m.name)} | ${cell(formatAttributes(m.attributes))} | ${m.count} | ${f(m.p50)} | ${f(m.p95)} | ${f(m.p99)} | ${f(m.max)} |`,
      );
    }
    out.push('');
  }
  const other = r.metrics.filter((m) => m.kind !== 'histogram');
  if (other.length) {
    out.push('| Metric | Attributes | Value | Detail |', '| --- | --- | --- | --- |');
    for (const m of other) {
      const detail =
        m.kind === 'gauge'
          ? `min ${formatValue(m.min, m.unit, m.name)}, max ${formatValue(m.max, m.unit, m.name)}, mean ${formatValue(m.mean, m.unit, m.name)}`
          : `${formatValue(m.rate, '/s')}`;
      out.push(
        `| ${codeCell(m.name)} | ${cell(formatAttributes(m.attributes))} | ${formatValue(m.value, m.unit, m.name)} | ${detail} |`,
      );
    }
    out.push('');
  }
  const d = r.diagnostics;
  const dropped = Object.entries(d.droppedSeries);
  if (dropped.length || d.droppedFindings || d.collectorErrors.length) {
    out.push('## Profiler diagnostics', '');
    for (const [name, n] of dropped)
      out.push(`- ${code(name)}: ${n} series routed to the overflow series (cardinality cap)`);
    if (d.droppedFindings) out.push(`- ${d.droppedFindings} findings dropped (cap on distinct findings)`);
    for (const e of d.collectorErrors)
      out.push(`- ${code(e.collector)} error ×${e.count}: ${cell(e.message)}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** The audit's review checklist checked from data, then budgets, findings by severity and metrics. */
export const markdownReporter: Reporter = { name: 'md', extension: 'md', render };
