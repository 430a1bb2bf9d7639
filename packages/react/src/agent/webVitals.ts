import { type Metric, onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';
import type { ReactBeaconVital } from '../ingest/schema.js';
import { redactUrlPath } from '../redactUrlPath.js';
import { selector } from './selector.js';

/** The fields of LCP and layout-shift entries the attribution is taken from. */
interface Entry extends PerformanceEntry {
  element?: Element | null;
  url?: string;
  value: number;
  sources?: { node?: Node | null }[];
}

/**
 * Subscribes to web-vitals' standard build and takes the attribution from `metric.entries` (a fraction of
 * the attribution build's size): LCP's element and URL, CLS's largest shift and its source; `at` is when the
 * value happened (the largest shift, the INP interaction, the paint), for its route. Slow interactions and
 * their phases come from the agent's own Event Timing observer, which sees every event of an interaction
 * (INP's entries hold only those of its longest event). web-vitals has no unsubscribe.
 */
export function watchVitals(onVital: (id: string, v: ReactBeaconVital) => void): void {
  const handle = (m: Metric) => {
    const e = m.entries as Entry[];
    const last = e[e.length - 1];
    const big = m.name === 'CLS' && e.reduce((a, b) => (b.value > a.value ? b : a), e[0]!);
    // t: the navigation's start, 0 for the page load (the server computes the load's TBT and score from those).
    const v: ReactBeaconVital = {
      n: m.name,
      v: m.value,
      r: m.rating,
      t: m.navigationStartTime!,
      at: (big || e[0])?.startTime,
    };
    if (m.name === 'LCP' && last) {
      v.el = selector(last.element);
      // An inline (data:) image has a URL as long as the image.
      if (last.url) v.url = redactUrlPath(last.url).slice(0, 2048);
    }
    if (big) v.el = selector(big.sources?.[0]?.node);
    onVital(m.id, v);
  };
  onLCP(handle);
  onCLS(handle);
  onFCP(handle);
  onTTFB(handle);
  onINP(handle);
}
