import { applyBudgets, getReporter } from '@perf/core';
import { EXIT, InputError } from '../errors.js';
import { readBudgets, readReport, writeOutput } from '../io.js';
import type { Io } from '../io-types.js';

/** `perf-audit report report.json --format md|json|console [--budgets file] [-o out]`. */
export async function report(
  files: string[],
  flags: { format?: string; budgets?: string; output?: string },
  io: Io,
): Promise<number> {
  if (files.length !== 1) throw new InputError('report takes exactly one report file');
  let reporter: ReturnType<typeof getReporter>;
  try {
    reporter = getReporter(flags.format ?? 'console');
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  let r = await readReport(files[0]!);
  if (flags.budgets) r = applyBudgets(r, await readBudgets(flags.budgets));
  const text = reporter.render(r, { color: io.isTTY && !flags.output });
  if (flags.output) await writeOutput(flags.output, text);
  else io.out(text);
  return EXIT.ok;
}
