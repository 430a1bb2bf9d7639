import { useRenderTracking } from '@perf/react';
import { memo } from 'react';
import type { Curve } from './api';

const COLORS = ['#2f6fdb', '#1a7f4b', '#b86e00', '#7d3fc2', '#c2322c', '#0f8b8d'];

/** Revenue response curves per channel, as SVG lines. */
export const RoiChart = memo(function RoiChart(props: { curves: Curve[] }) {
  useRenderTracking('RoiChart', props);
  const all = props.curves.flatMap((c) => c.points);
  const maxX = Math.max(1, ...all.map((p) => p.spend));
  const maxY = Math.max(1, ...all.map((p) => p.revenue));
  return (
    <svg viewBox="0 0 400 200" width="100%" role="img" aria-label="ROI curves">
      {props.curves.slice(0, 6).map((c, i) => (
        <polyline
          key={c.channel}
          fill="none"
          stroke={COLORS[i]}
          strokeWidth={1.5}
          points={c.points
            .map((p) => `${(p.spend / maxX) * 390 + 5},${195 - (p.revenue / maxY) * 185}`)
            .join(' ')}
        />
      ))}
    </svg>
  );
});
