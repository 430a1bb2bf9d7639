import type { Area, MetricKind } from './schema/index.js';

/** What the report needs to know about a metric name: its area, unit and kind. */
export interface MetricInfo {
  area: Area;
  unit: string;
  kind: MetricKind;
  description: string;
}

/**
 * The well-known metrics every perf-audit package writes. Names follow OpenTelemetry semantic conventions
 * where one exists (time stays in milliseconds in the report; the OTel bridge converts to seconds).
 */
export const METRICS = {
  // backend: HTTP (@perf/node)
  'http.server.request.duration': {
    area: 'backend',
    unit: 'ms',
    kind: 'histogram',
    description: 'Server request latency per method, route template and status class.',
  },
  'http.server.requests': {
    area: 'backend',
    unit: '{request}',
    kind: 'counter',
    description: 'Requests handled.',
  },
  'http.server.error_rate': {
    area: 'backend',
    unit: '1',
    kind: 'gauge',
    description: 'Share of requests answered with the status class in the attributes (4xx or 5xx).',
  },
  'http.server.throughput': {
    area: 'backend',
    unit: '/s',
    kind: 'gauge',
    description: 'Requests per second over the window.',
  },
  'http.server.response.body.size': {
    area: 'backend',
    unit: 'B',
    kind: 'histogram',
    description: 'Response body bytes.',
  },
  // backend: runtime (@perf/node)
  'nodejs.eventloop.delay': {
    area: 'backend',
    unit: 'ms',
    kind: 'histogram',
    description: "Event-loop delay: how late the monitor's timer ran (its period subtracted).",
  },
  'nodejs.eventloop.utilization': {
    area: 'backend',
    unit: '1',
    kind: 'gauge',
    description: 'Event-loop utilization per window.',
  },
  'v8js.gc.duration': {
    area: 'backend',
    unit: 'ms',
    kind: 'histogram',
    description: 'GC pause per kind (minor, major, incremental, weakcb).',
  },
  'v8js.gc.time_per_second': {
    area: 'backend',
    unit: 'ms',
    kind: 'gauge',
    description: 'GC pause time per wall-clock second.',
  },
  'v8js.memory.heap.used': { area: 'backend', unit: 'B', kind: 'gauge', description: 'V8 heap used.' },
  'v8js.memory.heap.limit': { area: 'backend', unit: 'B', kind: 'gauge', description: 'V8 heap_size_limit.' },
  'process.memory.usage': { area: 'backend', unit: 'B', kind: 'gauge', description: 'Resident set size.' },
  'process.memory.utilization': {
    area: 'backend',
    unit: '1',
    kind: 'gauge',
    description: 'RSS over the memory limit named in runtime.memoryLimitSource.',
  },
  'process.cpu.utilization': {
    area: 'backend',
    unit: '1',
    kind: 'gauge',
    description: 'Process CPU over the available CPU (cgroup quota or cores), per window.',
  },
  'process.cpu.starvation': {
    area: 'backend',
    unit: '1',
    kind: 'gauge',
    description:
      'Share of wall time the JS thread was runnable but waited for a CPU, per window (Linux schedstat).',
  },
  'process.cpu.throttled_time': {
    area: 'backend',
    unit: 'ms',
    kind: 'counter',
    description: "Time the process's cgroup was throttled by its CPU quota (cpu.stat).",
  },
  'cache.hit_rate': {
    area: 'backend',
    unit: '1',
    kind: 'gauge',
    description: 'Cache hits over lookups, per cache.',
  },
  'cache.requests': {
    area: 'backend',
    unit: '{request}',
    kind: 'counter',
    description: 'Cache lookups per cache and result (hit, miss).',
  },
  // database (@perf/db)
  'db.client.operation.duration': {
    area: 'database',
    unit: 'ms',
    kind: 'histogram',
    description:
      "Query time per fingerprint, operation and table, less the event-loop delay over it (the query's own time).",
  },
  'db.client.operation.wall_duration': {
    area: 'database',
    unit: 'ms',
    kind: 'histogram',
    description: "Query time per fingerprint as the client's clock saw it, event-loop delay included.",
  },
  'db.client.connection.wait_time': {
    area: 'database',
    unit: 'ms',
    kind: 'histogram',
    description: 'Time waiting to acquire a pool connection.',
  },
  'db.client.response.returned_rows': {
    area: 'database',
    unit: '{row}',
    kind: 'histogram',
    description: 'Rows returned per query.',
  },
  'db.client.transaction.duration': {
    area: 'database',
    unit: 'ms',
    kind: 'histogram',
    description: 'Transaction duration.',
  },
  'db.client.errors': { area: 'database', unit: '{error}', kind: 'counter', description: 'Failed queries.' },
  // MySQL/MariaDB performance_schema statement digests (readStatementDigests): the server's cumulative totals,
  // so gauges holding the latest reading.
  'db.server.statement.executions': {
    area: 'database',
    unit: '{statement}',
    kind: 'gauge',
    description:
      'Executions of a statement digest on the server (COUNT_STAR, cumulative since the server started).',
  },
  'db.server.statement.time': {
    area: 'database',
    unit: 'ms',
    kind: 'gauge',
    description: 'Total server time of a statement digest (SUM_TIMER_WAIT, cumulative).',
  },
  'db.server.statement.mean_time': {
    area: 'database',
    unit: 'ms',
    kind: 'gauge',
    description: 'Mean server time per execution of a statement digest.',
  },
  'db.server.statement.max_time': {
    area: 'database',
    unit: 'ms',
    kind: 'gauge',
    description: 'Longest single execution of a statement digest on the server (MAX_TIMER_WAIT).',
  },
  'db.server.statement.rows_examined_per_sent': {
    area: 'database',
    unit: '1',
    kind: 'gauge',
    description: 'Rows the server examined per row it sent, for a statement digest.',
  },
  'db.server.statement.no_index_used': {
    area: 'database',
    unit: '{statement}',
    kind: 'gauge',
    description: 'Executions of a statement digest that used no index (SUM_NO_INDEX_USED, cumulative).',
  },
  // frontend (@perf/react)
  'webvitals.lcp': {
    area: 'frontend',
    unit: 'ms',
    kind: 'histogram',
    description: 'Largest Contentful Paint.',
  },
  'webvitals.fcp': {
    area: 'frontend',
    unit: 'ms',
    kind: 'histogram',
    description: 'First Contentful Paint.',
  },
  'webvitals.inp': {
    area: 'frontend',
    unit: 'ms',
    kind: 'histogram',
    description: 'Interaction to Next Paint (replaces FID).',
  },
  'webvitals.cls': {
    area: 'frontend',
    unit: '1',
    kind: 'histogram',
    description: 'Cumulative Layout Shift.',
  },
  'webvitals.ttfb': { area: 'frontend', unit: 'ms', kind: 'histogram', description: 'Time to First Byte.' },
  'frontend.tbt': {
    area: 'frontend',
    unit: 'ms',
    kind: 'histogram',
    description: 'Total Blocking Time from long tasks.',
  },
  'frontend.tti': {
    area: 'frontend',
    unit: 'ms',
    kind: 'histogram',
    description: 'Time to Interactive estimate (reported next to TBT).',
  },
  'frontend.bundle.size': {
    area: 'frontend',
    unit: 'B',
    kind: 'gauge',
    description: 'Built JS/CSS size per entry and compression.',
  },
  'frontend.lighthouse.score': {
    area: 'frontend',
    unit: '{score}',
    kind: 'gauge',
    description:
      'Lighthouse-style score (0-100) of a page load: Lighthouse 10 curves and weights, no Speed Index.',
  },
  'react.render.duration': {
    area: 'frontend',
    unit: 'ms',
    kind: 'histogram',
    description: 'Render duration per component and phase.',
  },
  'react.render.count': {
    area: 'frontend',
    unit: '{render}',
    kind: 'counter',
    description: 'Renders per component and phase.',
  },
  // ml (@perf/ml)
  'ml.job.duration': {
    area: 'ml',
    unit: 'ms',
    kind: 'histogram',
    description: 'Job wall time per job and kind.',
  },
  'ml.job.phase.duration': {
    area: 'ml',
    unit: 'ms',
    kind: 'histogram',
    description: 'Phase wall time per job and phase.',
  },
  'ml.job.memory.peak': {
    area: 'ml',
    unit: 'B',
    kind: 'gauge',
    description: 'Peak memory of the job (process tree).',
  },
  'ml.batch.throughput': { area: 'ml', unit: '/h', kind: 'gauge', description: 'Batch items per hour.' },
  'ml.batch.item.duration': {
    area: 'ml',
    unit: 'ms',
    kind: 'histogram',
    description: 'Latency per batch item.',
  },
} as const satisfies Record<string, MetricInfo>;

export type KnownMetricName = keyof typeof METRICS;

const PREFIX_AREAS: [string, Area][] = [
  ['db.', 'database'],
  ['ml.', 'ml'],
  ['webvitals.', 'frontend'],
  ['frontend.', 'frontend'],
  ['react.', 'frontend'],
  ['browser.', 'frontend'],
];

/** Area of a metric name: the catalog's, else by prefix, else backend. */
export function areaOf(name: string): Area {
  const known = (METRICS as Record<string, MetricInfo>)[name];
  if (known) return known.area;
  for (const [prefix, area] of PREFIX_AREAS) if (name.startsWith(prefix)) return area;
  return 'backend';
}

/** Catalog entry for a name, if it is a well-known metric. */
export function metricInfo(name: string): MetricInfo | undefined {
  return (METRICS as Record<string, MetricInfo>)[name];
}
