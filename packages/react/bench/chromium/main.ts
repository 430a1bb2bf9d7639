// The overhead bench's page: a 1,000-row list whose every row gets new props on each update. `?v=` picks the
// variant; each page load runs one variant, so why-did-you-render's patching of React never leaks into another.
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
    /** 'mix' page: variants interleaved in blocks within one page; ms per measured update by slot. */
    __benchMix?: (blocks: number, warmup: number, perBlock: number) => Promise<Record<string, number[]>>;
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

// memo rows, as a list would have; props change every update, so every row renders and commits.
const rowTypes: Record<string, ComponentType<RowProps>> = {
  bare: memo(RowBody),
  hook: memo(RowHooked),
  withperf: withPerf(memo(RowBody), 'Row'),
};
for (const t of Object.values(rowTypes)) (t as { displayName?: string }).displayName = 'Row';
const Row = rowTypes[variant] ?? rowTypes.bare!;
if (variant === 'wdyr') (Row as { whyDidYouRender?: boolean }).whyDidYouRender = true;

let setTick: (t: number) => void = () => {};
function List({ row }: { row: ComponentType<RowProps> }): ReactElement {
  const [tick, set] = useState(0);
  setTick = set;
  const rows: ReactElement[] = [];
  for (let i = 0; i < ROWS; i++) rows.push(h(row, { key: i, i, tick }));
  return h('ul', null, rows);
}
const listOf = (kind: string) =>
  kind === 'profiler'
    ? h(PerfProfiler, { id: 'List', key: kind }, h(List, { row: rowTypes.bare! }))
    : h(List, { key: kind, row: rowTypes[kind] ?? rowTypes.bare! });

let setKind: (k: string) => void = () => {};
function Mix(): ReactElement {
  const [kind, set] = useState('bare');
  setKind = set;
  return listOf(kind);
}
const root = createRoot(document.getElementById('root') as HTMLElement);
root.render(variant === 'mix' ? h(Mix) : listOf(variant));

let tick = 0;
/** One timed update: render, commit and layout effects (and the sync lane's passive effects) inside flushSync. */
async function update(): Promise<number> {
  tick++;
  const t0 = performance.now();
  flushSync(() => setTick(tick));
  const ms = performance.now() - t0;
  // Yield a task so the browser can paint and collect garbage between updates, as between user events.
  await new Promise((r) => setTimeout(r, 0));
  return ms;
}
window.__benchRun = async (warmup, n) => {
  const times: number[] = [];
  for (let k = 0; k < warmup + n; k++) {
    const ms = await update();
    if (k >= warmup) times.push(ms);
  }
  return times;
};
window.__benchMix = async (blocks, warmup, perBlock) => {
  // 'bare2' is the same list as 'bare' in another slot: the A/A noise check.
  const slots = ['bare', 'profiler', 'hook', 'withperf', 'bare2'];
  const out: Record<string, number[]> = Object.fromEntries(slots.map((s) => [s, []]));
  for (let b = 0; b < blocks; b++) {
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[(k + b) % slots.length]!;
      // Each block mounts a fresh list (keyed by slot), so every variant starts from the same state.
      flushSync(() => setKind(slot));
      for (let w = 0; w < warmup; w++) await update();
      for (let n = 0; n < perBlock; n++) out[slot]!.push(await update());
    }
  }
  return out;
};
requestAnimationFrame(() => {
  window.__benchReady = true;
});
