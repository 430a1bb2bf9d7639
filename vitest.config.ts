import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Each package with a test/ folder is one vitest project; packages resolve each other from source
// (see vitest.shared.ts) so tests never run against a stale build.
const projects = readdirSync(new URL('./packages', import.meta.url), { withFileTypes: true })
  .filter(
    (d) => d.isDirectory() && existsSync(new URL(`./packages/${d.name}/vitest.config.ts`, import.meta.url)),
  )
  .map((d) => `packages/${d.name}`);

export default defineConfig({
  test: {
    projects,
    reporters: ['default'],
  },
});
