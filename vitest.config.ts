import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Each package or example with a vitest.config.ts is one vitest project; packages resolve each other from
// source (see vitest.shared.ts) so tests never run against a stale build.
const projects = ['packages', 'examples'].flatMap((root) =>
  readdirSync(new URL(`./${root}`, import.meta.url), { withFileTypes: true })
    .filter(
      (d) => d.isDirectory() && existsSync(new URL(`./${root}/${d.name}/vitest.config.ts`, import.meta.url)),
    )
    .map((d) => `${root}/${d.name}`),
);

export default defineConfig({
  test: {
    projects,
    reporters: ['default'],
  },
});
