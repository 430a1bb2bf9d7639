import { expect } from 'vitest';
import { perfMatchers } from './matchers.js';
import type { PerfMatchers } from './types.js';

expect.extend(perfMatchers);

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must match vitest's own declaration to merge.
  interface Matchers<T = any> extends PerfMatchers<T> {}
}

export type { PerfMatchers };
export { perfMatchers };
