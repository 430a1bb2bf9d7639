// @vitest-environment happy-dom
// @perf/react's production-build render tests (counting while React renders, no onRender), run on React 18.3.1.
import { expect, it } from 'vitest';
import '../../../packages/react/test/renders.production.test.ts';

it('runs on React 18 in production mode', async () => {
  const React = await import('react');
  expect(React.version).toBe('18.3.1');
  expect('_store' in React.createElement('i')).toBe(false);
});
