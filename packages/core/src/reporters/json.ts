import type { Reporter } from './reporter.js';

/** The report as schema-conformant JSON. */
export const jsonReporter: Reporter = {
  name: 'json',
  extension: 'json',
  render: (report) => `${JSON.stringify(report, null, 2)}\n`,
};
