import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Attributes, AuditReport, Metric } from '@perf/core';
import autocannon from 'autocannon';

/** Starts a server on 127.0.0.1, port 0, and returns its base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A bounded autocannon run: exactly `amount` requests over `paths`, round-robin per connection. */
export async function load(base: string, paths: string[], amount: number): Promise<autocannon.Result> {
  return autocannon({
    url: base,
    amount,
    connections: 8,
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
}

/** The one metric with this name whose attributes include `attrs`. */
export function metric(report: AuditReport, name: string, attrs: Attributes = {}): Metric | undefined {
  return report.metrics.find(
    (m) => m.name === name && Object.entries(attrs).every(([k, v]) => m.attributes[k] === v),
  );
}

export function counterValue(report: AuditReport, name: string, attrs: Attributes): number {
  const m = metric(report, name, attrs);
  if (!m) return 0;
  if (m.kind !== 'counter') throw new Error(`${name} is a ${m.kind}`);
  return m.value;
}

/** Requests the audit counted for one method, route template and status class (default '2xx'). */
export function requestCount(
  report: AuditReport,
  method: string,
  route: string,
  statusClass = '2xx',
): number {
  return counterValue(report, 'http.server.requests', {
    'http.request.method': method,
    'http.route': route,
    'http.status_class': statusClass,
  });
}

/** Sum of a counter over every series matching `attrs`. */
export function counterSum(report: AuditReport, name: string, attrs: Attributes = {}): number {
  return report.metrics
    .filter((m) => m.name === name && Object.entries(attrs).every(([k, v]) => m.attributes[k] === v))
    .reduce((n, m) => n + (m.kind === 'counter' ? m.value : 0), 0);
}
