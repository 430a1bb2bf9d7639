// The overhead bench's page: a 1,000-row list whose every row gets new props on each update. `?v=` picks the
// variant: one list per page load (so why-did-you-render's patching of React never leaks into another), or
// `mix`, every variant but wdyr side by side in its own root.
// createElement is called through the React object (not JSX) so why-did-you-render can patch it at run time.
import whyDidYouRender from '@welldone-software/why-did-you-render';
import React, { type ComponentType, memo, type ReactElement, useState } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { createBrowserAudit, PerfProfiler, useRenderTracking, withPerf } from '../../src/index.js';

declare global {
  interface Window {
    __benchReady?: boolean;
    /** Runs `warmup` unmeasured then `n` measured updates; returns each measured update's ms. */
    __benchRun?: (warmup: number, n: number) => Promise<number[]>;
    /** Row renders the variant's tool saw (a check that it was active): -1 for bare. */
    __benchSeen?: () => number;
    /** 'mix' page: every variant mounted at once, updated in turn; ms per measured update by slot. */
    __benchMix?: (warmup: number, n: number) => Promise<Record<string, number[]>>;
  }
}

const ROWS = 1000;
const variant = new URLSearchParams(location.search).get('v') ?? 'bare';
type Create = (type: unknown, props?: object | null, ...children: unknown[]) => ReactElement;
// Looked up on each call: why-did-you-render replaces React.createElement at run time.
const h: Create = (type, props, ...children) =>
  (React.createElement as unknown as Create)(type, props, ...children);

let seen: () => number = () => -1;
if (variant === 'wdyr') {
  // logOnDifferentValues: report every re-render (each one has changed props), counted instead of logged.
  let notes = 0;
  whyDidYouRender(React, { include: [/^Row$/], logOnDifferentValues: true, notifier: () => notes++ });
  seen = () => notes;
} else if (variant !== 'bare') {
  // Beacons go to the bench server when the page is hidden; web-vitals stays on, as in an app.
  const { renders } = createBrowserAudit({ endpoint: '/beacon', subject: 'chromium-bench' });
  const name = variant === 'profiler' ? 'List' : 'Row';
  let total = 0;
  // take() hands over the counts since the last call (as a beacon would), so they are summed here.
  seen = () => {
    for (const r of renders.take()) if (r.c === name) total += r.m + r.u;
    return total;
  };
}
window.__benchSeen = () => seen();

interface RowProps {
  i: number;
  tick: number;
}
function RowBody({ i, tick }: RowProps): ReactElement {
  return h('li', null, h('span', null, `row ${i}`), ' ', h('b', null, tick));
}
function RowHooked(props: RowProps): ReactElement {
  useRenderTracking('Row', props);
  return RowBody(props);
}

// React's own floor for any per-row hook, for the table: one useRef, and a useRef with a mount-only passive
// effect (the two hooks useRenderTracking calls in production builds), around the same row.
const MOUNT_ONLY: [] = [];
const noop = () => undefined;
function RowRef(props: RowProps): ReactElement {
  React.useRef(null);
  return RowBody(props);
}
function RowRefEffect(props: RowProps): ReactElement {
  React.useRef(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a shared empty list, as useRenderTracking passes
  React.useEffect(noop, MOUNT_ONLY);
  return RowBody(props);
}

// memo rows, as a list would have; props change every update, so every row renders and commits.
const rowTypes: Record<string, ComponentType<RowProps>> = {
  bare: memo(RowBody),
  hook: memo(RowHooked),
  withperf: withPerf(memo(RowBody), 'Row'),
  'floor-ref': memo(RowRef),
  'floor-effect': memo(RowRefEffect),
};
for (const t of Object.values(rowTypes)) (t as { displayName?: string }).displayName = 'Row';
const Row = rowTypes[variant] ?? rowTypes.bare!;
if (variant === 'wdyr') (Row as { whyDidYouRender?: boolean }).whyDidYouRender = true;

/** Each mounted list's state setter, by slot (a page mounts one list, the 'mix' page one per variant). */
const setters: Record<string, (t: number) => void> = {};
function List({ row, slot }: { row: ComponentType<RowProps>; slot: string }): ReactElement {
  const [tick, set] = useState(0);
  setters[slot] = set;
  const rows: ReactElement[] = [];
  for (let i = 0; i < ROWS; i++) rows.push(h(row, { key: i, i, tick }));
  return h('ul', null, rows);
}
const listOf = (slot: string) =>
  slot === 'profiler'
    ? h(PerfProfiler, { id: 'List' }, h(List, { slot, row: rowTypes.bare! }))
    : h(List, { slot, row: rowTypes[slot] ?? rowTypes.bare! });

/** The 'mix' page's slots, each a list in its own root; 'bare2' is the same list as 'bare': the A/A check. */
const MIX_SLOTS = ['bare', 'profiler', 'hook', 'withperf', 'floor-ref', 'floor-effect', 'bare2'];
// The mix page mounts its lists in an order rotated by `?order=` (the bench passes the round): where a list
// sits in the page and in the heap shifts its times by a few percent, so no variant keeps one place.
const order = Number(new URLSearchParams(location.search).get('order') ?? 0);
const mounted = MIX_SLOTS.map((_, k) => MIX_SLOTS[(k + order) % MIX_SLOTS.length]!);
for (const slot of variant === 'mix' ? mounted : [variant]) {
  const el = document.createElement('div');
  document.getElementById('root')!.append(el);
  createRoot(el).render(listOf(slot));
}

const ticks: Record<string, number> = {};
/** One timed update: render, commit and layout effects (and the sync lane's passive effects) inside flushSync. */
async function update(slot: string): Promise<number> {
  const tick = (ticks[slot] ?? 0) + 1;
  ticks[slot] = tick;
  const set = setters[slot]!;
  const t0 = performance.now();
  flushSync(() => set(tick));
  const ms = performance.now() - t0;
  // Yield a task so the browser can paint and collect garbage between updates, as between user events.
  await new Promise((r) => setTimeout(r, 0));
  return ms;
}
window.__benchRun = async (warmup, n) => {
  const times: number[] = [];
  for (let k = 0; k < warmup + n; k++) {
    const ms = await update(variant);
    if (k >= warmup) times.push(ms);
  }
  return times;
};
window.__benchMix = async (warmup, n) => {
  // Every list stays mounted; the variants take turns update by update (order rotated each time), so a
  // burst of load on the machine lands on all of them alike.
  const out: Record<string, number[]> = Object.fromEntries(MIX_SLOTS.map((s) => [s, []]));
  for (let k = 0; k < warmup + n; k++) {
    for (let j = 0; j < MIX_SLOTS.length; j++) {
      const slot = MIX_SLOTS[(j + k) % MIX_SLOTS.length]!;
      const ms = await update(slot);
      if (k >= warmup) out[slot]!.push(ms);
    }
  }
  return out;
};
// createRoot().render() renders later, root by root: ready once every list has rendered.
const expected = variant === 'mix' ? MIX_SLOTS.length : 1;
const ready = () => {
  if (Object.keys(setters).length >= expected) window.__benchReady = true;
  else requestAnimationFrame(ready);
};
requestAnimationFrame(ready);
