import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    recorder: 'src/recorder.ts',
    index: 'src/index.ts',
    'matchers/vitest': 'src/matchers/vitest.ts',
    'matchers/jest': 'src/matchers/jest.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  external: ['vitest'],
});
