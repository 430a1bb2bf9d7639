import { jsonReporter, mergeReports } from '@perf/core';
import { EXIT, InputError } from '../errors.js';
import { readBudgets, readReport, writeOutput } from '../io.js';
import type { Io } from '../io-types.js';

/** `perf-audit merge a.json b.json ... -o merged.json`: histograms merge bucket by bucket, so percentiles are exact. */
export async function merge(
  files: string[],
  flags: { output?: string; budgets?: string },
  io: Io,
): Promise<number> {
  if (files.length < 1) throw new InputError('merge takes one or more report files');
  const reports = await Promise.all(files.map(readReport));
  const budgets = flags.budgets ? await readBudgets(flags.budgets) : undefined;
  const merged = mergeReports(reports, budgets ? { budgets } : {});
  const text = jsonReporter.render(merged);
  if (flags.output) {
    await writeOutput(flags.output, text);
    io.err(`merged ${files.length} reports (${merged.metrics.length} series) into ${flags.output}\n`);
  } else io.out(text);
  return EXIT.ok;
}
