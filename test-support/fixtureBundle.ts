import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const PKG = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles a fixture under test/fixtures into the package's node_modules (so fastify-plugin still resolves): a
 * plain `node` child starts in a fraction of the time a TypeScript loader needs, which keeps the suite fast on
 * a loaded machine. Returns the bundle's path and its cleanup.
 */
export async function bundleFixture(name: string): Promise<{ path: string; remove(): void }> {
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
    splitting: false,
    sourcemap: false,
    dts: false,
    clean: false,
    silent: true,
    config: false,
  });
  return { path: join(dir, `${name}.js`), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The package's directory (children run there). */
export const PACKAGE_DIR = PKG;
