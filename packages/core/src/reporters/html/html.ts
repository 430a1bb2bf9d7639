import { reviewChecklist } from '../../report/checklist.js';
import { detailFields } from '../../report/details.js';
import { compareByImpact, fixFirst, gainInWords } from '../../report/fixFirst.js';
import { formatAttributes, formatSeries, formatValue } from '../../report/format.js';
import { componentRenders } from '../../report/renders.js';
import type {
  AuditReport,
  Finding,
  GaugeMetric,
  HistogramMetric,
  Metric,
  Severity,
  Status,
} from '../../schema/index.js';
import type { Reporter } from '../reporter.js';
import { distribution, percentileBars, phaseBar, timeline } from './charts.js';
import { esc } from './escape.js';
import { STYLE } from './style.js';

const LABEL: Record<Status, string> = { pass: 'pass', fail: 'fail', 'no-data': 'no data' };
const badge = (cls: string, text: string) => `<span class="badge ${esc(cls)}">${esc(text)}</span>`;

// Google's published thresholds for "good" and "poor" (ms, CLS unitless), used when a vital carries no rating.
const VITALS: Record<string, [string, number, number]> = {
  'webvitals.lcp': ['LCP', 2500, 4000],
  'webvitals.inp': ['INP (replaces FID)', 200, 500],
  'webvitals.cls': ['CLS', 0.1, 0.25],
  'webvitals.fcp': ['FCP', 1800, 3000],
  'webvitals.ttfb': ['TTFB', 800, 1800],
};

const histograms = (r: AuditReport, name: string) =>
  r.metrics.filter((m): m is HistogramMetric => m.kind === 'histogram' && m.name === name);
const gauges = (r: AuditReport, name: string) =>
  r.metrics.filter((m): m is GaugeMetric => m.kind === 'gauge' && m.name === name);
const attr = (m: Metric, k: string) => (m.attributes[k] === undefined ? '' : String(m.attributes[k]));

function summary(r: AuditReport): string {
  const cards = Object.entries(r.summary.areas).map(
    ([area, s]) => `<div class="card"><div>${esc(area)} ${badge(s.status, LABEL[s.status])}</div>
<div class="sub">budgets ${s.budgets.pass} pass · ${s.budgets.fail} fail · ${s.budgets.noData} no data</div>
<div class="sub">findings ${s.findings.critical} critical · ${s.findings.warning} warning · ${s.findings.info} info · ${s.metrics} metrics</div></div>`,
  );
  return `<section><h2>Summary by area</h2><div class="grid">${cards.join('')}</div></section>`;
}

function checklist(r: AuditReport): string {
  const items = reviewChecklist(r).map(
    (c) =>
      `<li>${badge(c.status, c.status === 'pass' ? '✓' : c.status === 'fail' ? '✗' : '?')} ${esc(c.label)} <span class="sub">— ${esc(c.why)}</span></li>`,
  );
  return `<section><h2>Performance review checklist</h2><ul class="check">${items.join('')}</ul></section>`;
}

function budgets(r: AuditReport): string {
  if (r.budgets.length === 0) return '<section><h2>Budgets</h2><p>No budgets were configured.</p></section>';
  const rows = r.budgets.map(
    (
      b,
    ) => `<tr><td>${badge(b.status, LABEL[b.status])}</td><td><code>${esc(b.metric)}</code></td><td>${esc(formatSeries(b.attributes ?? b.where))}</td>
<td><code>${esc(b.expression)}</code></td><td>${b.status === 'no-data' ? `<span class="sub">${esc(b.reason ?? 'no data')}</span>` : esc(formatValue(b.observed, b.unit, b.metric))}</td><td>${b.seriesFailed} / ${b.seriesChecked}</td></tr>`,
  );
  return `<section><h2>Budgets</h2><div class="scroll"><table><thead><tr><th>Status</th><th>Metric</th><th>Worst series</th><th>Budget</th><th>Observed</th><th>Series failed</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}

function finding(f: Finding): string {
  const ev: string[] = [];
  if (f.message) ev.push(`<li>${esc(f.message)}</li>`);
  for (const m of f.evidence.metrics ?? []) {
    const v = m.value !== undefined ? ` = ${esc(formatValue(m.value, m.unit ?? '', m.name))}` : '';
    ev.push(
      `<li><code>${esc(m.name)}</code> ${esc(m.statistic ?? '')}${v} ${esc(formatAttributes(m.attributes))}</li>`,
    );
  }
  if (f.evidence.attributes) ev.push(`<li>where: ${esc(formatAttributes(f.evidence.attributes))}</li>`);
  for (const s of f.evidence.samples ?? []) ev.push(`<li>sample:<pre>${esc(s)}</pre></li>`);
  if (f.evidence.stack?.length)
    ev.push(`<li>at: <code>${esc(f.evidence.stack.slice(0, 3).join(' ← '))}</code></li>`);
  for (const a of f.evidence.artifacts ?? []) ev.push(`<li>artifact: <code>${esc(a)}</code></li>`);
  const fields = detailFields(f.evidence.details);
  if (fields.length)
    ev.push(
      `<li><dl class="fields">${fields.map((d) => `<dt>${esc(d.label)}</dt><dd>${esc(d.value)}</dd>`).join('')}</dl></li>`,
    );
  const how = `${f.how.method}, ${f.how.source}${f.how.intervalMs ? `, every ${f.how.intervalMs} ms` : ''}`;
  ev.push(`<li class="sub">Measured: ${esc(how)}</li>`);
  const impact = f.impact
    ? `<p class="gain">${esc(gainInWords(f))} <span class="sub">(${esc(f.impact.basis)})</span></p>`
    : '';
  return `<div class="finding ${esc(f.severity)}-finding"><div class="head">${badge(f.severity, f.severity)} ${esc(f.title)} <span class="sub">(<code>${esc(f.rule)}</code> ×${f.occurrences})</span></div>
${impact}<p class="rec"><b>Recommendation:</b> ${esc(f.recommendation)}</p>
<details${f.severity === 'critical' ? ' open' : ''}><summary>Evidence</summary><ul class="ev">${ev.join('')}</ul></details></div>`;
}

function fixFirstSection(r: AuditReport): string {
  const items = fixFirst(r);
  if (items.length === 0)
    return '<section class="fix-first"><h2>Fix first</h2><p>Nothing to fix first: no findings.</p></section>';
  const li = items.map(
    ({
      finding: f,
      where,
      gain,
    }) => `<li class="sev-${esc(f.severity)}"><div class="head">${badge(f.severity, f.severity)} ${esc(f.title)} <span class="sub">(<code>${esc(f.rule)}</code> ×${f.occurrences})</span></div>
${where ? `<div><span class="sub">where:</span> ${esc(where)}</div>` : ''}<div class="gain">${esc(gain)}</div><div class="rec"><b>Fix:</b> ${esc(f.recommendation)}</div></li>`,
  );
  return `<section class="fix-first"><h2>Fix first</h2><ol class="fix">${li.join('')}</ol></section>`;
}

function reasons(r: AuditReport): string {
  const list = r.summary.reasons ?? [];
  if (list.length === 0) return '';
  const policy = r.summary.failOn ? ` <span class="sub">(fails on ${esc(r.summary.failOn)})</span>` : '';
  return `<div class="why"><b>${r.summary.status === 'fail' ? 'Why it fails' : 'Why it does not pass'}</b>${policy}<ul>${list.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></div>`;
}

function renders(r: AuditReport): string {
  const rows = componentRenders(r);
  if (rows.length === 0) return '';
  const tr = rows
    .slice(0, 50)
    .map(
      (c) =>
        `<tr><td><code>${esc(c.component)}</code></td><td>${c.mounts}</td><td>${c.updates}</td><td>${c.unnecessary ? `<b>${c.unnecessary}</b>` : '0'}</td><td>${c.mounted ?? '–'}</td><td>${c.renderMs === undefined ? '–' : esc(formatValue(c.renderMs, 'ms'))}</td></tr>`,
    )
    .join('');
  const more = rows.length > 50 ? `<p class="sub">… and ${rows.length - 50} more components.</p>` : '';
  return `<section><h2>Renders per component</h2><div class="scroll"><table><thead><tr><th>Component</th><th>Mounts</th><th>Updates</th><th>Unnecessary</th><th>Mounted now</th><th>Render time</th></tr></thead><tbody>${tr}</tbody></table></div>${more}</section>`;
}

function findings(r: AuditReport): string {
  if (r.findings.length === 0) return '<section><h2>Findings</h2><p>No findings.</p></section>';
  const groups = (['critical', 'warning', 'info'] as Severity[])
    .map((sev) => [sev, r.findings.filter((f) => f.severity === sev).sort(compareByImpact)] as const)
    .filter(([, fs]) => fs.length > 0)
    .map(([sev, fs]) => `<h3>${esc(sev)} (${fs.length})</h3>${fs.map(finding).join('')}`);
  return `<section><h2>Findings</h2>${groups.join('')}</section>`;
}

/** Columns a latency table adds to the percentiles for one series. */
interface ExtraColumns {
  head: string[];
  cells: (m: HistogramMetric) => string[];
}

function latency(
  r: AuditReport,
  name: string,
  title: string,
  label: (m: HistogramMetric) => string,
  extra?: ExtraColumns,
): string {
  const ms = histograms(r, name)
    .sort((a, b) => b.p95 - a.p95)
    .slice(0, 25);
  if (ms.length === 0) return '';
  const budget = r.budgets.find((b) => b.metric === name && b.statistic === 'p95' && !b.where)?.threshold;
  const rows = ms.map(
    (m) =>
      `<tr><td><code>${esc(label(m))}</code></td><td>${m.count}</td><td>${esc(formatValue(m.p50, m.unit, m.name))}</td><td>${esc(formatValue(m.p95, m.unit, m.name))}</td><td>${esc(formatValue(m.p99, m.unit, m.name))}</td><td>${esc(formatValue(m.max, m.unit, m.name))}</td>${(extra?.cells(m) ?? []).map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`,
  );
  return `<section><h2>${esc(title)}</h2><div class="card">${percentileBars(
    ms.map((m) => ({ label: label(m), m })),
    budget,
  )}</div>
<div class="scroll"><table><thead><tr><th>Series</th><th>Count</th><th>p50</th><th>p95</th><th>p99</th><th>Max</th>${(extra?.head ?? []).map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>
<div class="grid">${ms
    .slice(0, 6)
    .map((m) => `<div class="card"><div class="sub">${esc(label(m))}</div>${distribution(m)}</div>`)
    .join('')}</div></section>`;
}

function runtime(r: AuditReport): string {
  const cards: string[] = [];
  for (const name of ['nodejs.eventloop.delay', 'v8js.gc.duration']) {
    for (const m of histograms(r, name)) {
      const kind = attr(m, 'v8js.gc.type');
      cards.push(
        `<div class="card"><div>${esc(name)}${kind ? ` (${esc(kind)})` : ''}</div><div class="sub">p50 ${esc(formatValue(m.p50, m.unit, m.name))} · p99 ${esc(formatValue(m.p99, m.unit, m.name))} · max ${esc(formatValue(m.max, m.unit, m.name))} · ${m.count} samples</div>${distribution(m)}</div>`,
      );
    }
  }
  for (const name of [
    'v8js.memory.heap.used',
    'process.memory.usage',
    'nodejs.eventloop.utilization',
    'process.cpu.utilization',
    'v8js.gc.time_per_second',
  ]) {
    for (const g of gauges(r, name)) {
      if (!g.timeline) continue;
      cards.push(
        `<div class="card"><div>${esc(name)}</div><div class="sub">last ${esc(formatValue(g.value, g.unit, g.name))} · max ${esc(formatValue(g.max, g.unit, g.name))}</div>${timeline(g.timeline.t, g.timeline.v, g.unit)}</div>`,
      );
    }
  }
  if (cards.length === 0) return '';
  return `<section><h2>Runtime</h2><div class="grid">${cards.join('')}</div></section>`;
}

function vitals(r: AuditReport): string {
  const cards: string[] = [];
  for (const [name, [label, good, poor]] of Object.entries(VITALS)) {
    for (const m of histograms(r, name)) {
      const p75 = m.p75;
      const rating = attr(m, 'rating') || (p75 <= good ? 'good' : p75 > poor ? 'poor' : 'needs-improvement');
      const route = attr(m, 'page.route');
      const value = formatValue(p75, m.unit, m.name);
      cards.push(
        `<div class="card"><div>${esc(label)}${route ? ` <span class="sub">${esc(route)}</span>` : ''}</div><div class="big">${esc(value)}</div><div>${badge(rating, rating)} <span class="sub">p75 of ${m.count}</span></div></div>`,
      );
    }
  }
  if (cards.length === 0)
    return '<section><h2>Web vitals</h2><p class="sub">No web vitals in this report (no browser run).</p></section>';
  return `<section><h2>Web vitals</h2><div class="grid">${cards.join('')}</div></section>`;
}

function ml(r: AuditReport): string {
  const jobs = new Map<string, { name: string; ms: number }[]>();
  for (const m of histograms(r, 'ml.job.phase.duration')) {
    const job = attr(m, 'ml.job.name') || 'job';
    const list = jobs.get(job) ?? [];
    list.push({ name: attr(m, 'ml.job.phase') || 'phase', ms: m.sum });
    jobs.set(job, list);
  }
  const cards = [...jobs].map(([job, phases]) => {
    const peak = gauges(r, 'ml.job.memory.peak').find((g) => attr(g, 'ml.job.name') === job);
    const tput = gauges(r, 'ml.batch.throughput').find((g) => attr(g, 'ml.job.name') === job);
    const extra = [
      peak ? `peak memory ${formatValue(peak.max, 'B')}` : '',
      tput ? `throughput ${formatValue(tput.value, tput.unit, tput.name)}` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    return `<div class="card"><div>${esc(job)} <span class="sub">${esc(extra)}</span></div>${phaseBar(phases)}<div class="sub">${phases.map((p) => `${esc(p.name)} ${esc(formatValue(p.ms, 'ms'))}`).join(' → ')}</div></div>`;
  });
  if (cards.length === 0) return '';
  return `<section><h2>ML jobs</h2>${cards.join('')}</section>`;
}

/**
 * Beside each statement's own time: the client's whole time (event-loop delay included) and the server's own
 * mean, when a statement-statistics read put it in the report, so a gap between them shows where time went.
 */
function serverColumns(r: AuditReport): ExtraColumns {
  const fp = (m: { attributes: Record<string, unknown> }) =>
    String(m.attributes['db.query.fingerprint'] ?? '');
  const wall = new Map(histograms(r, 'db.client.operation.wall_duration').map((m) => [fp(m), m]));
  const server = new Map(gauges(r, 'db.server.statement.mean_time').map((g) => [fp(g), g]));
  return {
    head: ['client p95 (loop delay included)', 'server mean'],
    cells: (m) => {
      const w = wall.get(fp(m));
      const s = server.get(fp(m));
      return [
        w ? formatValue(w.p95, w.unit, w.name) : '',
        s ? formatValue(s.value, s.unit, s.name) : 'not read',
      ];
    },
  };
}

function render(r: AuditReport): string {
  const route = (m: HistogramMetric) => formatSeries(m.attributes);
  const query = (m: HistogramMetric) =>
    attr(m, 'db.query.text') || attr(m, 'db.query.fingerprint') || formatAttributes(m.attributes);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Performance audit: ${esc(r.subject.name)}</title><style>${STYLE}</style></head>
<body><main>
<h1>Performance audit: ${esc(r.subject.name)} ${badge(r.summary.status, LABEL[r.summary.status])}</h1>
<div class="sub">run ${esc(r.runId)} · ${esc(r.startTime)} · ${esc(formatValue(r.durationMs, 'ms'))}${r.subject.version ? ` · version ${esc(r.subject.version)}` : ''}${r.runtime.node ? ` · Node ${esc(r.runtime.node)}` : ''}${r.runtime.cpus ? ` · ${r.runtime.cpus} CPUs` : ''}${r.runtime.memoryLimitBytes ? ` · memory limit ${esc(formatValue(r.runtime.memoryLimitBytes, 'B'))} (${esc(r.runtime.memoryLimitSource ?? '')})` : ''}</div>
${reasons(r)}${fixFirstSection(r)}${summary(r)}${checklist(r)}${budgets(r)}${findings(r)}
${latency(r, 'http.server.request.duration', 'API latency per route', route)}
${latency(r, 'db.client.operation.duration', 'Query time per fingerprint', query, serverColumns(r))}
${vitals(r)}${renders(r)}${runtime(r)}${ml(r)}
</main></body></html>
`;
}

/** One self-contained HTML file (no network, no script): summary, budgets, findings, charts. */
export const htmlReporter: Reporter = { name: 'html', extension: 'html', render };
