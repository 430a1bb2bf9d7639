import { fileURLToPath } from 'node:url';
import type { ViteUserConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));

/** Aliases so every package's tests import sibling packages from source, as tsconfig paths do for tsc. */
export const workspaceAlias: NonNullable<ViteUserConfig['resolve']>['alias'] = [
  { find: /^@perf\/core\/vitest$/, replacement: src('core/src/matchers/vitest.ts') },
  { find: /^@perf\/core\/recorder$/, replacement: src('core/src/recorder.ts') },
  { find: /^@perf\/core\/jest$/, replacement: src('core/src/matchers/jest.ts') },
  { find: /^@perf\/react\/bundle$/, replacement: src('react/src/bundle.ts') },
  { find: /^@perf\/react\/ingest$/, replacement: src('react/src/ingest.ts') },
  { find: /^@perf\/react\/vitest$/, replacement: src('react/src/testing/vitest.ts') },
  { find: /^@perf\/(core|cli|node|db|ml|react|otel)$/, replacement: `${src('')}$1/src/index.ts` },
];
