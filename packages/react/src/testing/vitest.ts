import { expect } from 'vitest';
import { type ReactMatchers, reactMatchers } from './matchers.js';

expect.extend(reactMatchers);

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must match vitest's own declaration to merge.
  interface Matchers<T = any> extends ReactMatchers<T> {}
}

export type { ReactMatchers };
export { reactMatchers };
