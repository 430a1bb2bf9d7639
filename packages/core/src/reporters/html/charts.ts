import { lowerBoundary } from '../../histogram/mapping.js';
import { formatValue } from '../../report/format.js';
import type { HistogramMetric } from '../../schema/index.js';
import { esc } from './escape.js';

const W = 560;

/** Horizontal bars of p50 / p95 / p99 per series, on one shared scale so series compare at a glance. */
export function percentileBars(rows: { label: string; m: HistogramMetric }[], budget?: number): string {
  if (rows.length === 0) return '';
  const max = Math.max(...rows.map((r) => r.m.p99), budget ?? 0) || 1;
  const rowH = 30;
  const labelW = 200;
  const x = (v: number) => labelW + (v / max) * (W - labelW - 70);
  const parts = rows.map((r, i) => {
    const y = i * rowH + 6;
    const unit = r.m.unit;
    return `<g><title>${esc(r.label)}: p50 ${esc(formatValue(r.m.p50, unit, r.m.name))}, p95 ${esc(formatValue(r.m.p95, unit, r.m.name))}, p99 ${esc(formatValue(r.m.p99, unit, r.m.name))} (${r.m.count} samples)</title>
<text x="0" y="${y + 14}" class="lbl">${esc(r.label.length > 32 ? `${r.label.slice(0, 12)}…${r.label.slice(-19)}` : r.label)}</text>
<rect x="${labelW}" y="${y + 3}" width="${x(r.m.p99) - labelW}" height="16" class="p99"/>
<rect x="${labelW}" y="${y + 3}" width="${x(r.m.p95) - labelW}" height="16" class="p95"/>
<rect x="${labelW}" y="${y + 3}" width="${x(r.m.p50) - labelW}" height="16" class="p50"/>
<text x="${x(r.m.p99) + 4}" y="${y + 15}" class="val">${esc(formatValue(r.m.p95, unit, r.m.name))}</text></g>`;
  });
  const h = rows.length * rowH + 10;
  const line =
    budget !== undefined
      ? `<line x1="${x(budget)}" x2="${x(budget)}" y1="0" y2="${h}" class="budget"><title>budget ${esc(formatValue(budget, rows[0]!.m.unit, rows[0]!.m.name))}</title></line>`
      : '';
  return `<svg viewBox="0 0 ${W} ${h}" role="img" class="chart">${parts.join('')}${line}</svg>
<p class="legend"><span class="k p50"></span>p50 <span class="k p95"></span>p95 <span class="k p99"></span>p99 — label shows p95${budget !== undefined ? '; dashed line: budget' : ''}</p>`;
}

/** The distribution of one histogram from its buckets (log-scaled x axis, as the buckets are). */
export function distribution(m: HistogramMetric): string {
  const { positive, scale } = m.buckets;
  if (positive.counts.length === 0) return '';
  // Group adjacent buckets so the chart has at most 60 bars whatever the scale.
  const group = Math.max(1, Math.ceil(positive.counts.length / 60));
  const bars: { lo: number; hi: number; n: number }[] = [];
  for (let i = 0; i < positive.counts.length; i += group) {
    let n = 0;
    for (let j = i; j < Math.min(i + group, positive.counts.length); j++) n += positive.counts[j]!;
    const idx = positive.offset + i;
    bars.push({ lo: lowerBoundary(idx, scale), hi: lowerBoundary(idx + group, scale), n });
  }
  const maxN = Math.max(...bars.map((b) => b.n)) || 1;
  const h = 90;
  const bw = W / bars.length;
  const rects = bars
    .map((b, i) => {
      const bh = (b.n / maxN) * (h - 20);
      return `<rect x="${(i * bw).toFixed(1)}" y="${(h - 16 - bh).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${bh.toFixed(1)}" class="bar"><title>${esc(formatValue(b.lo, m.unit, m.name))} – ${esc(formatValue(b.hi, m.unit, m.name))}: ${b.n}</title></rect>`;
    })
    .join('');
  return `<svg viewBox="0 0 ${W} ${h}" class="chart dist" role="img">${rects}
<text x="0" y="${h - 2}" class="val">${esc(formatValue(bars[0]!.lo, m.unit, m.name))}</text>
<text x="${W}" y="${h - 2}" class="val" text-anchor="end">${esc(formatValue(bars[bars.length - 1]!.hi, m.unit, m.name))}</text></svg>`;
}

/** A line chart of a gauge's timeline (t in ms since the run started). */
export function timeline(t: number[], v: number[], unit: string): string {
  if (t.length < 2) return '';
  const h = 110;
  const t0 = t[0]!;
  const t1 = t[t.length - 1]! || 1;
  const vmax = Math.max(...v);
  const vmin = Math.min(0, ...v);
  const span = vmax - vmin || 1;
  const px = (ti: number) => ((ti - t0) / (t1 - t0 || 1)) * (W - 10) + 5;
  const py = (vi: number) => h - 18 - ((vi - vmin) / span) * (h - 30);
  const points = t.map((ti, i) => `${px(ti).toFixed(1)},${py(v[i]!).toFixed(1)}`).join(' ');
  return `<svg viewBox="0 0 ${W} ${h}" class="chart line" role="img"><polyline points="${points}" class="series"/>
<text x="5" y="12" class="val">max ${esc(formatValue(vmax, unit))}</text>
<text x="5" y="${h - 2}" class="val">0 s</text><text x="${W - 5}" y="${h - 2}" class="val" text-anchor="end">${esc(formatValue(t1 - t0, 'ms'))}</text></svg>`;
}

/** Sequential phases of a job as one stacked bar (durations in order of first appearance). */
export function phaseBar(phases: { name: string; ms: number }[]): string {
  const total = phases.reduce((s, p) => s + p.ms, 0) || 1;
  let x = 0;
  const segs = phases
    .map((p, i) => {
      const w = (p.ms / total) * W;
      const seg = `<g><title>${esc(p.name)}: ${esc(formatValue(p.ms, 'ms'))}</title><rect x="${x.toFixed(1)}" y="0" width="${Math.max(1, w).toFixed(1)}" height="26" class="ph${i % 6}"/>${w > 60 ? `<text x="${(x + 4).toFixed(1)}" y="17" class="phl">${esc(p.name)}</text>` : ''}</g>`;
      x += w;
      return seg;
    })
    .join('');
  return `<svg viewBox="0 0 ${W} 26" class="chart phases" role="img">${segs}</svg>`;
}
