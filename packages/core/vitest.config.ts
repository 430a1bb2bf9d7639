import { defineProject } from 'vitest/config';
import { workspaceAlias } from '../../vitest.shared.ts';

export default defineProject({
  resolve: { alias: workspaceAlias },
  test: { name: 'core', include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 30_000 },
});
