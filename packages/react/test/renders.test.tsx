// @vitest-environment happy-dom
import { memo, useCallback, useMemo, useState } from 'react';
import { describe, expect, it } from 'vitest';
import {
  diffProps,
  measureRenders,
  PerfProfiler,
  reactMatchers,
  toHaveNoUnnecessaryRenders,
  toRenderAtMost,
  useRenderTracking,
  valueEqual,
  withPerf,
} from '../src/index.js';

expect.extend(reactMatchers);

declare module 'vitest' {
  interface Matchers<T> {
    toRenderAtMost(n: number, component?: string): T;
    toHaveNoUnnecessaryRenders(component?: string): T;
  }
}

interface RowProps {
  label: string;
  style: { color: string };
  onPick: () => void;
}
const Row = ({ label, style, onPick }: RowProps) => (
  <button type="button" style={style} onClick={onPick}>
    {label}
  </button>
);
const BadRow = withPerf(Row, 'BadRow');
const GoodRow = withPerf(memo(Row), 'GoodRow');

/** Re-renders itself on `tick` and passes a fresh style object and arrow to BadRow, stable ones to GoodRow. */
function Parent({ tick }: { tick: number }) {
  const style = useMemo(() => ({ color: 'red' }), []);
  const onPick = useCallback(() => undefined, []);
  return (
    <div data-tick={tick}>
      <BadRow label="bad" style={{ color: 'red' }} onPick={() => undefined} />
      <GoodRow label="good" style={style} onPick={onPick} />
    </div>
  );
}

let bump: () => void = () => undefined;
let same: () => void = () => undefined;
const Item = withPerf(() => <li>item</li>, 'Item');
const Header = withPerf(() => <h1>title</h1>, 'Header');

function Counter(props: { n: number }) {
  useRenderTracking('Counter', props);
  return <span>{props.n}</span>;
}

function Clock(props: { label: string }) {
  const [n, setN] = useState(0);
  bump = () => setN((x) => x + 1);
  useRenderTracking('Clock', props);
  return (
    <span>
      {props.label}
      {n}
    </span>
  );
}

function Filter(props: { label: string }) {
  const [filter, setFilter] = useState({ q: 'a' });
  same = () => setFilter({ q: 'a' });
  useRenderTracking('Filter', props, [filter]);
  return <span>{filter.q}</span>;
}

const Page = ({ n }: { n: number }) => (
  <div>
    <Header />
    <ul>
      {Array.from({ length: n }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static list in a test
        <Item key={i} />
      ))}
    </ul>
  </div>
);

describe('diffProps', () => {
  it('separates identity-only changes from real ones', () => {
    const keep = () => 1;
    const d = diffProps(
      { a: 1, style: { color: 'red' }, list: [1, 2], fn: () => 1, keep },
      { a: 2, style: { color: 'red' }, list: [1, 2], fn: () => 1, keep },
    );
    expect(d.changed).toEqual(['a']);
    expect(d.identityOnly).toEqual(['style', 'list', 'fn']);
    expect(d.equalByValue).toBe(false);
    expect(diffProps({ a: 1, b: 2 }, { a: 1 })).toMatchObject({ equalByValue: false, changed: ['b'] });
    expect(diffProps({ a: 1 }, { a: 1, b: undefined })).toMatchObject({
      equalByValue: false,
      changed: ['b'],
    });
    expect(diffProps({ a: [1] }, { a: [2] })).toMatchObject({ equalByValue: false, changed: ['a'] });
  });

  it('compares elements by type and props, class instances and deep values by identity only', () => {
    expect(
      valueEqual(
        <Row label="x" style={{ color: 'a' }} onPick={() => 0} />,
        <Row label="x" style={{ color: 'a' }} onPick={() => 0} />,
      ),
    ).toBe(true);
    expect(
      valueEqual(
        <Row label="x" style={{ color: 'a' }} onPick={() => 0} />,
        <Row label="y" style={{ color: 'a' }} onPick={() => 0} />,
      ),
    ).toBe(false);
    expect(valueEqual(new Map(), new Map())).toBe(false);
    const deep = { a: { b: { c: { d: { e: { f: 1 } } } } } };
    expect(valueEqual(deep, structuredClone(deep))).toBe(false);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(valueEqual(cyclic, { self: { self: { self: { self: {} } } } })).toBe(false);
  });
});

describe('render tracking in React 19 (development build)', () => {
  it('flags only the component whose props were equal by value, naming the identity-only props', async () => {
    const m = await measureRenders(<Parent tick={0} />, async ({ rerender }) => {
      for (let i = 1; i <= 3; i++) await rerender(<Parent tick={i} />);
    });
    expect(m.components.BadRow).toMatchObject({ mounts: 1, updates: 3, unnecessary: 3 });
    expect(Object.keys(m.components.BadRow!.identityOnly).sort()).toEqual(['onPick', 'style']);
    expect(m.components.GoodRow).toMatchObject({ mounts: 1, updates: 0, unnecessary: 0 });
    expect(m).toHaveNoUnnecessaryRenders('GoodRow');
    expect(m).not.toHaveNoUnnecessaryRenders('BadRow');
    expect(m).toRenderAtMost(1, 'GoodRow');
    expect(m).not.toRenderAtMost(3, 'BadRow');
    expect(m.durations).toBe('available');
    expect(m.components.BadRow!.durations.count).toBe(4);

    const finding = m.report.findings.find((f) => f.rule === 'react.unnecessary-render');
    expect(finding).toMatchObject({ key: 'BadRow', occurrences: 3 });
    expect(finding!.evidence.details?.identityOnlyProps).toEqual(expect.arrayContaining(['onPick', 'style']));
    expect(finding!.recommendation).toMatch(/React\.memo.*onPick with useCallback.*style with useMemo/);
    expect(m.report.findings.filter((f) => f.rule === 'react.unnecessary-render')).toHaveLength(1);
    const count = (c: string, phase: string) =>
      m.report.metrics.find(
        (x) =>
          x.name === 'react.render.count' &&
          x.attributes['react.component'] === c &&
          x.attributes['react.phase'] === phase,
      );
    expect(count('BadRow', 'update')).toMatchObject({ kind: 'counter', value: 3 });
    expect(count('GoodRow', 'mount')).toMatchObject({ kind: 'counter', value: 1 });
    expect(count('GoodRow', 'update')).toBeUndefined();
    const durations = m.report.metrics.filter((x) => x.name === 'react.render.duration');
    expect(durations.map((x) => x.attributes['react.component'])).toEqual(
      expect.arrayContaining(['BadRow', 'GoodRow']),
    );
  });

  it('does not double count under StrictMode (double render and double effects)', async () => {
    const m = await measureRenders(
      <PerfProfiler id="Tree">
        <Counter n={0} />
      </PerfProfiler>,
      async ({ rerender }) => {
        await rerender(
          <PerfProfiler id="Tree">
            <Counter n={1} />
          </PerfProfiler>,
        );
        await rerender(
          <PerfProfiler id="Tree">
            <Counter n={1} />
          </PerfProfiler>,
        );
      },
      { strict: true },
    );
    expect(m.components.Counter).toMatchObject({ mounts: 1, updates: 2, unnecessary: 1, mounted: 1 });
    expect(m.components.Tree).toMatchObject({ mounts: 1, updates: 2, mounted: 1 });
  });

  it('does not flag renders caused by own state, but flags setState with an equal new object when state is tracked', async () => {
    const m = await measureRenders(
      <>
        <Clock label="c" />
        <Filter label="f" />
      </>,
      async ({ act }) => {
        await act(() => bump());
        await act(() => bump());
        await act(() => same());
      },
    );
    expect(m.components.Clock).toMatchObject({ mounts: 1, updates: 2, unnecessary: 0 });
    expect(m.components.Filter).toMatchObject({ mounts: 1, updates: 1, unnecessary: 1 });
    expect(m.components.Filter!.identityOnly).toEqual({ 'state[0]': 1 });
  });

  it('reports a leak suspect when mounted instances keep growing across navigations', async () => {
    const m = await measureRenders(<Page n={1} />, async ({ rerender, navigate }) => {
      for (let n = 1; n <= 4; n++) {
        await rerender(<Page n={n} />);
        navigate(`/page/${n}`);
      }
    });
    const leaks = m.report.findings.filter((f) => f.rule === 'react.leak-suspect');
    expect(leaks.map((f) => f.key)).toEqual(['Item']);
    expect(leaks[0]!.evidence.details?.mountedAtNavigations).toEqual([1, 2, 3, 4]);
    const gauge = m.report.metrics.find(
      (x) => x.name === 'react.component.mounted' && x.attributes['react.component'] === 'Item',
    );
    expect(gauge).toMatchObject({ kind: 'gauge', max: 4 });
    expect(m.components.Item!.mounted).toBe(4);
  });

  it('matchers read AuditReports and fail when nothing was tracked', async () => {
    const m = await measureRenders(<Parent tick={0} />, async ({ rerender }) => {
      await rerender(<Parent tick={1} />);
    });
    expect(m.report).toRenderAtMost(2);
    expect(m.report).not.toRenderAtMost(1);
    expect(m.report).toHaveNoUnnecessaryRenders('GoodRow');
    expect(toHaveNoUnnecessaryRenders(m.report, 'BadRow').message()).toMatch(/BadRow: 1 with equal props/);
    const empty = await measureRenders(<p>untracked</p>);
    expect(toRenderAtMost(empty, 10).pass).toBe(false);
    expect(toHaveNoUnnecessaryRenders(empty).message()).toMatch(/no tracked renders/);
  });
});
