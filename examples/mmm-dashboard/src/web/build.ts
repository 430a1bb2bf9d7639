import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** Builds the dashboard with vite into a fresh folder (so concurrent demo runs never share one) and returns it. */
export async function buildDashboard(): Promise<string> {
  const root = fileURLToPath(new URL('.', import.meta.url));
  const outDir = mkdtempSync(join(tmpdir(), 'mmm-web-'));
  await build({
    root,
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, sourcemap: false },
    configFile: false,
  });
  return outDir;
}
