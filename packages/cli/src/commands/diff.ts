import { diffReports, formatValue, type MetricChange } from '@perf/core';
import { EXIT, InputError } from '../errors.js';
import { readReport } from '../io.js';
import type { Io } from '../io-types.js';

function parsePercent(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(value.trim());
  if (!m) throw new InputError(`--${flag} takes a percentage like 10% or 10, got '${value}'`);
  return Number(m[1]) / 100;
}

const pct = (r: number) => (Number.isFinite(r) ? `${r >= 0 ? '+' : ''}${(r * 100).toFixed(1)}%` : 'new');

// Routes and other attributes may come from browsers: no control character reaches the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

/** One change, labelled with its whole series (method, route, status class, then every other attribute). */
function row(c: MetricChange): string {
  const where = clean(c.series);
  const noise = c.noise !== undefined ? ` (noise ±${formatValue(c.noise, c.unit, c.name)})` : '';
  return `  ${c.verdict.padEnd(11)} ${c.name}${where ? ` ${where}` : ''} ${c.statistic}: ${formatValue(c.base, c.unit, c.name)} -> ${formatValue(c.head, c.unit, c.name)} ${pct(c.relative)}${noise}`;
}

/**
 * `perf-audit diff base.json head.json [--threshold 5%] [--fail-on 10%]`: per-series p50/p95 change.
 * A change counts only above --threshold and above the run-to-run spread when the reports carry repeated
 * runs; with --fail-on, a regression larger than that exits 1.
 */
export async function diff(
  files: string[],
  flags: { threshold?: string; 'fail-on'?: string },
  io: Io,
): Promise<number> {
  if (files.length !== 2) throw new InputError('diff takes two report files: base.json head.json');
  const threshold = parsePercent('threshold', flags.threshold, 0.05);
  const failOn = flags['fail-on'] === undefined ? undefined : parsePercent('fail-on', flags['fail-on'], 0);
  const [base, head] = await Promise.all(files.map(readReport));
  const d = diffReports(base!, head!, { minRelativeChange: threshold });
  const changed = d.changes.filter((c) => c.verdict !== 'unchanged');
  io.out(
    `perf-audit diff: ${d.changes.length} statistics compared, ${changed.length} changed beyond ${pct(threshold).slice(1)} and noise\n`,
  );
  for (const c of [...changed].sort((a, b) => Math.abs(b.relative) - Math.abs(a.relative)))
    io.out(`${row(c)}\n`);
  for (const [side, list] of [
    ['base', d.onlyInBase],
    ['head', d.onlyInHead],
  ] as const) {
    if (list.length === 0) continue;
    io.out(`  only in ${side}: ${list.length} series\n`);
    for (const label of list.slice(0, 20)) io.out(`    ${clean(label)}\n`);
    if (list.length > 20) io.out(`    … and ${list.length - 20} more\n`);
  }
  if (failOn !== undefined) {
    const bad = changed.filter((c) => c.verdict === 'regression' && Math.abs(c.relative) > failOn);
    if (bad.length) {
      io.err(`${bad.length} regression(s) beyond ${pct(failOn).slice(1)}\n`);
      return EXIT.failed;
    }
  }
  return EXIT.ok;
}
