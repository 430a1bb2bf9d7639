import { parseArgs } from 'node:util';

export interface DemoOptions {
  fixed: boolean;
  endurance: boolean;
  /** Shorter load and smaller batches, for the end-to-end test. */
  quick: boolean;
  /** Skip the browser step even when Chromium is installed. */
  noBrowser: boolean;
  outDir: string;
}

export const DEMO_USAGE = 'usage: pnpm demo [--fixed] [--endurance] [--quick] [--no-browser] [--out dir]';

/** A bad command line: one line for the user, no stack trace. */
export class DemoUsageError extends Error {}

/**
 * `pnpm demo [--fixed] [--endurance] [--quick] [--no-browser] [--out dir]`. A `--` (the npm habit, `pnpm demo --
 * --fixed`) is skipped; an unknown option or a stray argument is a DemoUsageError naming it.
 */
export function parseDemoArgs(argv: string[]): DemoOptions {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv.filter((a) => a !== '--'),
      options: {
        fixed: { type: 'boolean', default: false },
        endurance: { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        'no-browser': { type: 'boolean', default: false },
        out: { type: 'string', default: 'perf-audit-report' },
      },
    });
  } catch (err) {
    throw new DemoUsageError(`${(err as Error).message.split('\n')[0]}\n${DEMO_USAGE}`);
  }
  const values = parsed.values as {
    fixed: boolean;
    endurance: boolean;
    quick: boolean;
    'no-browser': boolean;
    out: string;
  };
  return {
    fixed: values.fixed,
    endurance: values.endurance,
    quick: values.quick,
    noBrowser: values['no-browser'],
    outDir: values.out,
  };
}
