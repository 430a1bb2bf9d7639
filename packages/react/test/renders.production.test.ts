// @vitest-environment happy-dom
// React's production build never calls <Profiler onRender>: this file loads react and react-dom in
// production mode (before anything else imports them; vitest isolates each file) to test counting there.
import { describe, expect, it } from 'vitest';

process.env.NODE_ENV = 'production';
const React = await import('react');
const { createRoot } = await import('react-dom/client');
const { flushSync } = await import('react-dom');
const { createAudit } = await import('@perf/core');
const perf = await import('../src/index.js');

// Components of the useRenderTracking test (module level: a component defined in a function is a new type per call).
function Row(props: { label: string; style: object }) {
  perf.useRenderTracking('Row', props);
  return React.createElement('li', props.style, props.label);
}
function Tick(props: { n: number }) {
  perf.useRenderTracking('Tick', props);
  return React.createElement('b', null, props.n);
}
// Sets its own state in a layout effect at mount: React renders it again before paint (a nested update).
let again = () => {};
function Measured() {
  const [box, setBox] = React.useState({ w: 0 });
  again = () => setBox({ w: 10 });
  perf.useRenderTracking('Measured', undefined, box);
  React.useLayoutEffect(() => setBox({ w: 10 }), []);
  return React.createElement('i', null, box.w);
}

describe('render tracking with a production build of react-dom', () => {
  it('counts withPerf and PerfProfiler renders without onRender and says durations are unavailable', async () => {
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

  it('counts useRenderTracking while React renders: updates, unnecessary ones, nested updates and unmounts', async () => {
    const h = React.createElement;
    const audit = createAudit({ subject: 'prod-hook' });
    const tracker = new perf.RenderTracker(audit);
    const previous = perf.setActiveRenderTracker(tracker);
    const ui = (n: number) => h('ul', null, h(Row, { label: 'x', style: {} }), h(Tick, { n }), h(Measured));
    const container = document.createElement('div');
    const root = createRoot(container);
    const t0 = performance.now();
    try {
      for (let n = 0; n < 4; n++) flushSync(() => root.render(ui(n)));
      // An equal new state object: unnecessary, judged on state alone.
      flushSync(() => again());
      expect(container.textContent).toBe('x310');
      expect(tracker.stats().Row).toMatchObject({ mounts: 1, updates: 3, unnecessary: 3, mounted: 1 });
      expect(tracker.componentsRenderedBetween(t0, performance.now())).toEqual(
        expect.arrayContaining(['Row', 'Tick', 'Measured']),
      );
      flushSync(() => root.unmount());
    } finally {
      perf.setActiveRenderTracker(previous);
    }
    const s = tracker.stats();
    // Every parent render gave Row a new style object equal by value: 3 unnecessary updates, naming the prop.
    expect(s.Row).toMatchObject({ mounts: 1, updates: 3, unnecessary: 3, mounted: 0 });
    expect(s.Row!.identityOnly).toEqual({ style: 3 });
    expect(s.Tick).toMatchObject({ mounts: 1, updates: 3, unnecessary: 0, mounted: 0 });
    // Mount, the nested update (w: 10), 3 parent renders, and the equal new state. The parent renders have
    // neither props given nor a new state: nothing to judge them on, so they are not called unnecessary.
    expect(s.Measured).toMatchObject({ mounts: 1, updates: 5, unnecessary: 1, mounted: 0 });
    // Its fields are equal primitives: no key changed identity, the state object itself did.
    expect(s.Measured!.identityOnly).toEqual({});
    const report = audit.report();
    expect(
      report.findings
        .filter((f) => f.rule === 'react.unnecessary-render')
        .map((f) => f.key)
        .sort(),
    ).toEqual(['Measured', 'Row']);
  });
});
