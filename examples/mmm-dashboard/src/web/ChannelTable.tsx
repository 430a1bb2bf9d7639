import { useRenderTracking } from '@perf/react';
import { type CSSProperties, memo } from 'react';
import type { ChannelTotals } from './api';

export interface ChannelTableProps {
  rows: ChannelTotals[];
  style: CSSProperties;
  onSelect: (id: number) => void;
}

/** Spend per channel. Memoised, so it re-renders only when its props change identity. */
export const ChannelTable = memo(function ChannelTable(props: ChannelTableProps) {
  useRenderTracking('ChannelTable', props);
  return (
    <table style={props.style}>
      <thead>
        <tr>
          <th>Channel</th>
          <th>Spend</th>
          <th>Impressions</th>
          <th>CTR</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.id} onClick={() => props.onSelect(r.id)}>
            <td>{r.name}</td>
            <td>{Math.round(Number(r.spend)).toLocaleString('en-US')}</td>
            <td>{Number(r.impressions).toLocaleString('en-US')}</td>
            <td>{((100 * Number(r.clicks)) / Math.max(1, Number(r.impressions))).toFixed(2)}%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
});
