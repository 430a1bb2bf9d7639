/** Runs the perf-audit CLI programmatically: `await run(['check', 'report.json'], io)` returns the exit code. */

export { EXIT, InputError } from './errors.js';
export type { Io } from './io-types.js';
export { run, USAGE } from './run.js';
