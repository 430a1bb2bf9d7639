import { applyBudgets, consoleReporter, statusOf } from '@perf/core';
import { EXIT, InputError } from '../errors.js';
import { readBudgets, readReport } from '../io.js';
import type { Io } from '../io-types.js';

/** `perf-audit check report.json [--budgets file]`: 0 when every budget passes, 1 otherwise, 2 on bad input. */
export async function check(files: string[], flags: { budgets?: string }, io: Io): Promise<number> {
  if (files.length !== 1) throw new InputError('check takes exactly one report file');
  let report = await readReport(files[0]!);
  if (flags.budgets) report = applyBudgets(report, await readBudgets(flags.budgets));
  io.out(consoleReporter.render(report, { color: io.isTTY }));
  if (report.budgets.length === 0) {
    io.err('no budgets to check: the report has none and no --budgets file was given\n');
    return EXIT.failed;
  }
  const status = statusOf(report.budgets);
  if (status !== 'pass') {
    const bad = report.budgets.filter((b) => b.status !== 'pass').length;
    io.err(`${bad} of ${report.budgets.length} budgets did not pass (missing data counts as not passing)\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
