import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'tsup';

/**
 * Bundles `pkg`/test/fixtures/`name`.ts (the @perf packages inlined) into that package's node_modules, so its
 * own dependencies (fastify-plugin, knex and its drivers) still resolve: a plain `node` child starts in a
 * fraction of the time a TypeScript loader needs, which keeps the suite fast on a loaded machine.
 */
export async function bundleFixture(
  PKG: string,
  name: string,
  external: string[] = [],
): Promise<{ path: string; remove(): void }> {
  mkdirSync(join(PKG, 'node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(join(PKG, `node_modules/.cache/perf-node-${name}-`));
  await build({
    entry: { [name]: join(PKG, `test/fixtures/${name}.ts`) },
    outDir: dir,
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    tsconfig: join(PKG, '../../tsconfig.json'),
    noExternal: [/^@perf\//],
    external,
    splitting: false,
    sourcemap: false,
    dts: false,
    clean: false,
    silent: true,
    config: false,
  });
  return { path: join(dir, `${name}.js`), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
