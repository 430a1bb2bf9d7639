// @vitest-environment happy-dom
// @perf/react's development-build render tests (StrictMode, unnecessary renders, leaks, matchers), run on
// React 18.3.1 (see vitest.config.ts).
import { expect, it } from 'vitest';
import '../../../packages/react/test/renders.test.tsx';

it('runs on React 18', async () => {
  const React = await import('react');
  expect(React.version).toBe('18.3.1');
});
