import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';
import { workspaceAlias } from '../../vitest.shared.ts';

// @perf/react's source resolves 'react' from packages/react, which holds React 19: every React entry point is
// pointed at this app's 18.3.1 instead, so the same tests run on React 18.
const require = createRequire(import.meta.url);
const react18 = ['react', 'react/jsx-runtime', 'react/jsx-dev-runtime', 'react-dom', 'react-dom/client'].map(
  (id) => ({ find: new RegExp(`^${id}$`), replacement: require.resolve(id) }),
);

export default defineProject({
  resolve: { alias: [...react18, ...(workspaceAlias as { find: RegExp; replacement: string }[])] },
  test: {
    name: 'react18',
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
