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

/** `pnpm demo [--fixed] [--endurance] [--quick] [--no-browser] [--out dir]`. */
export function parseDemoArgs(argv: string[]): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      fixed: { type: 'boolean', default: false },
      endurance: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      'no-browser': { type: 'boolean', default: false },
      out: { type: 'string', default: 'perf-audit-report' },
    },
  });
  return {
    fixed: values.fixed!,
    endurance: values.endurance!,
    quick: values.quick!,
    noBrowser: values['no-browser']!,
    outDir: values.out!,
  };
}
