import { defineConfig } from 'tsup';

export default defineConfig({
  // index and vitest are browser-safe (no node: imports, no zod); ingest is the server-side beacon translator;
  // bundle is the build-time entry for `perf-audit bundle`.
  entry: {
    index: 'src/index.ts',
    vitest: 'src/testing/vitest.ts',
    ingest: 'src/ingest.ts',
    bundle: 'src/bundle.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: ['react', 'react-dom', 'vitest', 'web-vitals', '@perf/core', 'zod'],
});
