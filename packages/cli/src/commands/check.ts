import {
  type AuditReport,
  applyBudgets,
  type BudgetResult,
  budgetSeries,
  consoleReporter,
  type FailOn,
  FailOnSchema,
  formatSeries,
  formatValue,
  judgeReport,
} from '@perf/core';
import { EXIT, InputError } from '../errors.js';
import { readBudgets, readReport } from '../io.js';
import type { Io } from '../io-types.js';

// Series attributes may come from browsers: no control character reaches the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

/** Failing series listed per failing budget at most; the rest are counted. */
const MAX_SERIES = 20;

function parseFailOn(value: string | undefined): FailOn {
  if (value === undefined) return 'critical';
  const parsed = FailOnSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`--fail-on takes budgets, critical or warning, got '${value}'`);
  return parsed.data;
}

/** Each failing budget with every failing series in full (all attributes, not cut to a column). */
function failingBudgets(report: AuditReport, failed: BudgetResult[]): string {
  const lines = ['', 'Failing budgets, each failing series in full'];
  for (const b of failed) {
    lines.push(
      `  ✗ ${clean(b.metric)} ${b.expression}: ${b.seriesFailed} of ${b.seriesChecked} series failed`,
    );
    const bad = budgetSeries(report, b).filter((s) => !s.pass);
    for (const s of bad.slice(0, MAX_SERIES))
      lines.push(
        `      ${formatValue(s.value, b.unit, b.metric).padEnd(10)} ${clean(formatSeries(s.attributes)) || '(no attributes)'}`,
      );
    if (bad.length > MAX_SERIES) lines.push(`      … and ${bad.length - MAX_SERIES} more series`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `perf-audit check report.json [--budgets file] [--fail-on budgets|critical|warning]`: 0 when the report
 * passes (every budget passes and no finding at or above --fail-on, default critical), 1 otherwise, 2 on bad input.
 */
export async function check(
  files: string[],
  flags: { budgets?: string; 'fail-on'?: string },
  io: Io,
): Promise<number> {
  if (files.length !== 1) throw new InputError('check takes exactly one report file');
  const failOn = parseFailOn(flags['fail-on']);
  let report = await readReport(files[0]!);
  report = flags.budgets
    ? applyBudgets(report, await readBudgets(flags.budgets), { failOn })
    : judgeReport(report, { failOn });
  io.out(consoleReporter.render(report, { color: io.isTTY }));
  const failed = report.budgets.filter((b) => b.status === 'fail');
  if (failed.length) io.out(failingBudgets(report, failed));
  if (report.budgets.length === 0) {
    io.err('no budgets to check: the report has none and no --budgets file was given\n');
    return EXIT.failed;
  }
  if (report.summary.status !== 'pass') {
    const notPassing = report.budgets.filter((b) => b.status !== 'pass').length;
    const why = (report.summary.reasons ?? []).map((r) => `  ${clean(r)}\n`).join('');
    io.err(
      `${report.summary.status === 'fail' ? 'FAIL' : 'NO DATA'} (fails on ${failOn}): ${notPassing} of ${report.budgets.length} budgets did not pass (missing data counts as not passing)\n${why}`,
    );
    return EXIT.failed;
  }
  return EXIT.ok;
}
