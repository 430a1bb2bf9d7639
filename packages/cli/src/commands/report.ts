import { applyBudgets, FailOnSchema, getReporter, judgeReport } from '@perf/core';
import { EXIT, InputError } from '../errors.js';
import { readBudgets, readReport, writeOutput } from '../io.js';
import type { Io } from '../io-types.js';

/** `perf-audit report report.json --format md|json|console|html [--budgets file] [--fail-on level] [-o out]`. */
export async function report(
  files: string[],
  flags: { format?: string; budgets?: string; output?: string; 'fail-on'?: string },
  io: Io,
): Promise<number> {
  if (files.length !== 1) throw new InputError('report takes exactly one report file');
  let reporter: ReturnType<typeof getReporter>;
  try {
    reporter = getReporter(flags.format ?? 'console');
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  const failOnFlag = flags['fail-on'];
  const parsed = failOnFlag === undefined ? undefined : FailOnSchema.safeParse(failOnFlag);
  if (parsed && !parsed.success)
    throw new InputError(`--fail-on takes budgets, critical or warning, got '${failOnFlag}'`);
  const options = parsed?.success ? { failOn: parsed.data } : {};
  let r = await readReport(files[0]!);
  if (flags.budgets) r = applyBudgets(r, await readBudgets(flags.budgets), options);
  else if (parsed) r = judgeReport(r, options);
  const text = reporter.render(r, { color: io.isTTY && !flags.output });
  if (flags.output) await writeOutput(flags.output, text);
  else io.out(text);
  return EXIT.ok;
}
