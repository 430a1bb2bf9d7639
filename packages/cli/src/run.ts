import { parseArgs } from 'node:util';
import { check } from './commands/check.js';
import { diff } from './commands/diff.js';
import { merge } from './commands/merge.js';
import { report } from './commands/report.js';
import { EXIT, InputError } from './errors.js';
import type { Io } from './io-types.js';

export const USAGE = `perf-audit <command> [options]

Commands:
  check  <report.json> [--budgets file] [--fail-on critical|warning|budgets]
                                      exit 0 when every budget passes and no finding at or above --fail-on
                                      (default critical), 1 otherwise; opens with "Fix first"
  report <report.json> [--format console|md|json|html] [--budgets file] [--fail-on level] [-o file]
  merge  <a.json> <b.json> ... [-o merged.json] [--budgets file]   exact histogram merge
  diff   <base.json> <head.json> [--threshold 5%] [--fail-on 10%]  p50/p95 change with a noise guard

Exit codes: 0 ok, 1 a budget or a finding failed the check or a regression beyond --fail-on, 2 bad input.
`;

type Command = (files: string[], flags: Record<string, string | undefined>, io: Io) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  check,
  report,
  merge,
  diff,
};

/** Runs the CLI with argv (without node and script) and returns the exit code; never throws. */
export async function run(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name ? EXIT.ok : EXIT.badInput;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`unknown command '${name}'\n\n${USAGE}`);
    return EXIT.badInput;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        budgets: { type: 'string' },
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        threshold: { type: 'string' },
        'fail-on': { type: 'string' },
      },
    });
    return await command(positionals, values, io);
  } catch (err) {
    if (err instanceof InputError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`perf-audit ${name}: ${(err as Error).message}\n`);
      return EXIT.badInput;
    }
    io.err(`perf-audit ${name}: unexpected error: ${(err as Error).stack ?? err}\n`);
    return EXIT.badInput;
  }
}
