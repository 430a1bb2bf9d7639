import type { Audit } from './audit.js';

/**
 * Something that measures and writes into an Audit. `start` runs on `audit.use`, `collect` before every
 * report (to flush windowed values), `stop` on `audit.close`. A collector's errors are caught and counted.
 */
export interface Collector {
  readonly name: string;
  start?(audit: Audit): void;
  collect?(audit: Audit): void;
  stop?(): void | Promise<void>;
}
