import { perfMatchers } from './matchers.js';
import type { PerfMatchers } from './types.js';

// jest puts `expect` on the global scope of each test file; this entry is imported from a setup file.
const g = globalThis as { expect?: { extend(matchers: object): void } };
if (!g.expect?.extend) {
  throw new Error(
    "@perf/core/jest: no global expect. Import it from a jest setup file (setupFilesAfterEnv: ['@perf/core/jest']), or call expect.extend(perfMatchers) yourself.",
  );
}
g.expect.extend(perfMatchers);

declare global {
  namespace jest {
    interface Matchers<R> extends PerfMatchers<R> {}
  }
}

export type { PerfMatchers };
export { perfMatchers };
