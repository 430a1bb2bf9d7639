import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root: src/ and dist/ both sit one level below it, so the same relative step works from source
 * (tests) and from the build. tsup's shims give CJS builds an import.meta.url.
 */
export const packageRoot: string = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of perf_ml.py, the standard-library-only Python helper shipped with the package. */
export const perfMlPythonPath: string = join(packageRoot, 'perf_ml.py');
