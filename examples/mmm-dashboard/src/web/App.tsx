import { PerfProfiler } from '@perf/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, type Brand, type ChannelTotals, type Curve, type Scenario } from './api';
import { ChannelTable } from './ChannelTable';
import { RoiChart } from './RoiChart';

/** The MMM dashboard. With ?fixed=1 it passes stable props; without, new objects each render (on purpose). */
export function App({ fixed }: { fixed: boolean }) {
  const [brands, setBrands] = useState<Brand[]>([]);
  const [brand, setBrand] = useState(1);
  const [rows, setRows] = useState<ChannelTotals[]>([]);
  const [curves, setCurves] = useState<Curve[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [scenario, setScenario] = useState<Scenario | null>(null);
  const [ready, setReady] = useState(false);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    api.brands().then(setBrands, () => {});
  }, []);
  useEffect(() => {
    setReady(false);
    Promise.all([api.contributions(brand), api.curves(brand)]).then(
      ([r, c]) => {
        setRows(r);
        setCurves(c);
        setReady(true);
      },
      () => setReady(true),
    );
  }, [brand]);
  // A clock in the header re-renders the page every 250 ms; children with stable props should not follow.
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 250);
    return () => clearInterval(t);
  }, []);

  const stableStyle = useMemo(() => ({ width: '100%' }), []);
  const stableSelect = useCallback((id: number) => setSelected(id), []);
  const style = fixed ? stableStyle : { width: '100%' };
  const onSelect = fixed ? stableSelect : (id: number) => setSelected(id);

  return (
    <PerfProfiler id="Dashboard">
      <main data-ready={ready ? '1' : '0'}>
        <h1>Marketing mix · {brands.find((b) => b.id === brand)?.name ?? '…'}</h1>
        <p>
          <select name="brand" value={brand} onChange={(e) => setBrand(Number(e.target.value))}>
            {brands.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>{' '}
          <button
            type="button"
            name="run-scenario"
            onClick={() => api.scenario(brand, 150_000).then(setScenario, () => {})}
          >
            Score a 150k budget
          </button>{' '}
          <small>updated {tick}</small>
        </p>
        {scenario && (
          <p data-scenario="1">
            Predicted revenue: {Math.round(scenario.predictedRevenue).toLocaleString('en-US')}
          </p>
        )}
        <div className="grid">
          <section className="card">
            <h2>Spend by channel {selected ? `(selected ${selected})` : ''}</h2>
            <ChannelTable rows={rows} style={style} onSelect={onSelect} />
          </section>
          <section className="card">
            <h2>ROI curves</h2>
            <RoiChart curves={curves} />
          </section>
        </div>
      </main>
    </PerfProfiler>
  );
}
