// @vitest-environment happy-dom
// React's production build never calls <Profiler onRender>: this file loads react and react-dom in
// production mode (before anything else imports them; vitest isolates each file) to test the fallback.
import { describe, expect, it } from 'vitest';

process.env.NODE_ENV = 'production';
const React = await import('react');
const { createRoot } = await import('react-dom/client');
const { flushSync } = await import('react-dom');
const { createAudit } = await import('@perf/core');
const perf = await import('../src/index.js');

describe('render tracking with a production build of react-dom', () => {
  it('counts commits from effects and says durations are unavailable', async () => {
    const h = React.createElement;
    const audit = createAudit({ subject: 'prod' });
    const tracker = new perf.RenderTracker(audit);
    const previous = perf.setActiveRenderTracker(tracker);
    const Label = perf.withPerf((p: { text: string; style: object }) => h('span', p.style, p.text), 'Label');
    const container = document.createElement('div');
    const root = createRoot(container);
    try {
      for (let i = 0; i < 3; i++) {
        flushSync(() => root.render(h(perf.PerfProfiler, { id: 'App' }, h(Label, { text: 'x', style: {} }))));
      }
      expect(container.textContent).toBe('x');
      flushSync(() => root.unmount());
    } finally {
      perf.setActiveRenderTracker(previous);
    }
    expect(tracker.durationsStatus).toBe('unavailable');
    const s = tracker.stats();
    expect(s.Label).toMatchObject({ mounts: 1, updates: 2, unnecessary: 2, mounted: 0 });
    expect(s.Label!.durations.count).toBe(0);
    expect(s.App).toMatchObject({ mounts: 1, updates: 2 });
    const report = audit.report();
    expect(report.metrics.some((m) => m.name === 'react.render.duration')).toBe(false);
    expect(report.findings.map((f) => f.rule).sort()).toEqual([
      'react.durations-unavailable',
      'react.unnecessary-render',
    ]);
  });
});
