// @vitest-environment happy-dom
// The page agent without a browser: the render hooks writing into its counters (StrictMode, unmounts,
// navigations), and createBrowserAudit's flush and close against a real HTTP endpoint (happy-dom's
// sendBeacon posts with its fetch). Web vitals, Resource and Event Timing need Chromium: browser.test.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { act, memo, StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { createRenderCounters } from '../src/agent/renderCounters.js';
import {
  createBrowserAudit,
  getActiveRenderTracker,
  PerfProfiler,
  setActiveRenderTracker,
  useRenderTracking,
  withPerf,
} from '../src/index.js';
import { ReactBeaconSchema, reactBeaconToReport } from '../src/ingest.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const Row = withPerf(
  (p: { label: string; style: object; onPick: () => void }) => (
    <button type="button" style={p.style} onClick={p.onPick}>
      {p.label}
    </button>
  ),
  'Row',
);
const Stable = withPerf(
  memo((p: { label: string }) => <i>{p.label}</i>),
  'Stable',
);
function Leaf(props: { n: number }) {
  useRenderTracking('Leaf', props);
  return <b>{props.n}</b>;
}
let bump: () => void = () => undefined;
function App({ rows }: { rows: number }) {
  const [n, setN] = useState(0);
  bump = () => setN((x) => x + 1);
  return (
    <PerfProfiler id="App">
      {Array.from({ length: rows }, (_, i) => (
        // A new style object and arrow each render, equal by value: unnecessary renders of Row.
        // biome-ignore lint/suspicious/noArrayIndexKey: a static list in a test
        <Row key={i} label={`r${i}`} style={{ color: 'red' }} onPick={() => undefined} />
      ))}
      <Stable label="s" />
      <Leaf n={n} />
    </PerfProfiler>
  );
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function mount(strict: boolean) {
  const el = document.createElement('div');
  const root = createRoot(el);
  const wrap = (rows: number) =>
    strict ? (
      <StrictMode>
        <App rows={rows} />
      </StrictMode>
    ) : (
      <App rows={rows} />
    );
  return {
    render: (rows: number) => act(async () => root.render(wrap(rows))),
    unmount: () => act(async () => root.unmount()),
  };
}

describe('the agent render counters, fed by the hooks', () => {
  it.each([false, true])(
    'count mounts, updates, unnecessary renders and instances (StrictMode: %s)',
    async (strict) => {
      const faults: unknown[] = [];
      const counters = createRenderCounters(500, (e) => faults.push(e));
      const previous = setActiveRenderTracker(counters);
      cleanups.push(() => setActiveRenderTracker(previous));
      const ui = mount(strict);
      await ui.render(3);
      const t0 = performance.now();
      await act(async () => bump());
      expect(counters.between(t0, performance.now())).toEqual(expect.arrayContaining(['Row', 'Leaf']));
      expect(counters.between(t0, performance.now())).not.toContain('Stable');
      await ui.render(2);
      const first = Object.fromEntries(counters.take().map((r) => [r.c, r]));
      // happy-dom runs React's development build: the Profiler reports durations.
      expect(counters.durations).toBe(true);
      // Three rows mounted; three updated on bump, two when the list shrank: every update with equal props.
      expect(first.Row).toMatchObject({ m: 3, u: 5, x: 5, i: 2 });
      expect(first.Row!.p).toEqual({ style: [5, 'object'], onPick: [5, 'function'] });
      expect(first.Row!.d?.m && Object.values(first.Row!.d.m).reduce((a, b) => a + b)).toBe(3);
      expect(first.Stable).toMatchObject({ m: 1, u: 0, x: 0, i: 1 });
      expect(first.Leaf).toMatchObject({ m: 1, u: 2, i: 1 });
      // Leaf's own state changed (n), and when the parent re-rendered with the same n, its props were new but equal.
      expect(first.Leaf!.x).toBe(1);
      expect(first.App).toMatchObject({ m: 1, i: 1 });
      expect(first.Row!.nav).toBeUndefined();

      // Deltas start over; mounted counts stay; a navigation samples them.
      counters.nav();
      await ui.unmount();
      const second = Object.fromEntries(counters.take().map((r) => [r.c, r]));
      expect(second.Row).toMatchObject({ m: 0, u: 0, x: 0, i: 0, nav: [2] });
      expect(second.Row!.p).toBeUndefined();
      expect(second.App).toMatchObject({ i: 0, nav: [1] });
      expect(counters.take().every((r) => r.nav === undefined)).toBe(true);
      expect(faults).toEqual([]);
    },
  );

  it('stays bounded: names beyond the cap are not kept, identity-only keys stop at 20', () => {
    const counters = createRenderCounters(2, () => undefined);
    for (const name of ['A', 'B', 'C', 'D']) counters.recordRender(name, 'mount');
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    counters.recordUnnecessary(
      'A',
      keys,
      keys.map(() => 'object'),
    );
    const taken = counters.take();
    expect(taken.map((r) => r.c)).toEqual(['A', 'B']);
    expect(Object.keys(taken[0]!.p!)).toHaveLength(20);
    for (let i = 0; i < 40; i++) counters.nav();
    expect(counters.take()[0]!.nav).toHaveLength(16);
  });
});

describe('createBrowserAudit', () => {
  it('flushes a valid react beacon to the endpoint, counts faults, and closes cleanly', async () => {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      const cors = {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type',
      };
      // happy-dom preflights even a text/plain POST (a browser would not).
      if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(204, cors).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => server.close());
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/beacon`;

    let route = '/home';
    const agent = createBrowserAudit({ endpoint, subject: 'unit', webVitals: false, route: () => route });
    expect(getActiveRenderTracker()).toBe(agent.renders);
    const ui = mount(false);
    await ui.render(2);
    route = '/channels';
    agent.navigate();
    agent.navigate('/channels');
    agent.renders.fault(new Error('from a hook'));
    expect(agent.flush()).toBe(1);
    const deadline = Date.now() + 5000;
    while (bodies.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(bodies).toHaveLength(1);

    const beacon = ReactBeaconSchema.parse(JSON.parse(bodies[0]!));
    expect(beacon).toMatchObject({ v: 1, kind: 'perf-react-beacon', subject: 'unit', faults: 1 });
    expect(beacon.routes.map(([, r]) => r)).toEqual(['/home', '/channels']);
    const report = reactBeaconToReport(beacon);
    expect(report.subject).toEqual({ name: 'unit' });
    expect(report.diagnostics.collectorErrors).toEqual([
      { collector: 'react.browser', message: 'Error: from a hook', count: 1 },
    ]);
    const rows = report.metrics.find(
      (m) => m.name === 'react.render.count' && m.attributes['react.component'] === 'Row',
    );
    expect(rows).toMatchObject({ value: 2 });
    // One navigation (the second call named the same route): mounted counts sampled once.
    expect(beacon.renders?.find((r) => r.c === 'Row')).toMatchObject({ m: 2, i: 2, nav: [2] });

    await ui.unmount();
    agent.close();
    expect(getActiveRenderTracker()).toBeUndefined();
    // Closed: nothing more is sent, and a second close is harmless.
    expect(agent.flush()).toBe(0);
    agent.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(bodies).toHaveLength(2);
    // The last beacon (sent by close) has the unmounts, and no navigation sample that was already sent.
    const last = ReactBeaconSchema.parse(JSON.parse(bodies[1]!));
    const row = last.renders?.find((r) => r.c === 'Row');
    expect(row).toMatchObject({ m: 0, i: 0 });
    expect(row?.nav).toBeUndefined();
  });
});
