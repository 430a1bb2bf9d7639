import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { HistogramMetric } from '@perf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeToOpenTelemetry, secondsIndexShift } from '../src/index.js';
import { fixtureAudit, REQUEST_MS } from './fixture.js';

interface OtlpBuckets {
  offset?: number;
  bucketCounts?: (number | string)[];
}
interface OtlpPoint {
  attributes?: { key: string; value: { stringValue?: string } }[];
  count?: number | string;
  sum?: number;
  min?: number;
  max?: number;
  scale?: number;
  zeroCount?: number | string;
  positive?: OtlpBuckets;
  negative?: OtlpBuckets;
  asDouble?: number;
}
interface OtlpMetric {
  name: string;
  unit?: string;
  exponentialHistogram?: { aggregationTemporality: number; dataPoints: OtlpPoint[] };
  gauge?: { dataPoints: OtlpPoint[] };
  sum?: { isMonotonic?: boolean; dataPoints: OtlpPoint[] };
}
interface OtlpRequest {
  resourceMetrics: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeMetrics: { scope: { name: string }; metrics: OtlpMetric[] }[];
  }[];
}

/** A minimal OTLP/HTTP JSON receiver: it keeps every decoded request body. */
function receiver() {
  const received: { path: string; contentType: string; body: OtlpRequest }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: String(req.headers['content-type']),
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest,
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  return { server, received };
}

const attr = (p: OtlpPoint, key: string) => p.attributes?.find((a) => a.key === key)?.value.stringValue;

describe('bridge through the OTLP/HTTP JSON exporter to a local receiver', () => {
  const { server, received } = receiver();
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => (server as Server).listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('delivers the request-duration exponential histogram with the report buckets', async () => {
    const audit = fixtureAudit();
    const bridge = bridgeToOpenTelemetry(audit);
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url }),
      exportIntervalMillis: 3_600_000,
      metricProducers: [bridge.metricProducer],
    });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'mmm-api' }),
      readers: [reader],
    });
    await reader.forceFlush();
    await provider.shutdown();

    expect(received.length).toBeGreaterThanOrEqual(1);
    expect(received[0]!.path).toBe('/v1/metrics');
    expect(received[0]!.contentType).toBe('application/json');
    const rm = received[0]!.body.resourceMetrics[0]!;
    // The SDK's resource travels, not the producer's.
    expect(rm.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue).toBe('mmm-api');
    const scope = rm.scopeMetrics.find((s) => s.scope.name === '@perf/otel')!;
    const report = audit.report();
    expect(scope.metrics.map((m) => m.name).sort()).toEqual(
      [...new Set(report.metrics.map((m) => m.name))].sort(),
    );

    const duration = scope.metrics.find((m) => m.name === 'http.server.request.duration')!;
    expect(duration.unit).toBe('s');
    expect(duration.exponentialHistogram!.aggregationTemporality).toBe(2); // OTLP's CUMULATIVE
    const points = duration.exponentialHistogram!.dataPoints;
    expect(points).toHaveLength(2);
    for (const p of points) {
      const route = attr(p, 'http.route')!;
      const m = report.metrics.find(
        (x): x is HistogramMetric =>
          x.name === 'http.server.request.duration' && x.attributes['http.route'] === route,
      )!;
      expect(Number(p.count)).toBe(REQUEST_MS[route as keyof typeof REQUEST_MS].length);
      expect(p.sum).toBe(m.sum / 1000);
      expect(p.min).toBe(m.min / 1000);
      expect(p.max).toBe(m.max / 1000);
      expect(p.scale).toBe(m.buckets.scale);
      expect(Number(p.zeroCount ?? 0)).toBe(m.buckets.zeroCount);
      expect(p.positive!.offset).toBe(m.buckets.positive.offset + secondsIndexShift(m.buckets.scale));
      expect(p.positive!.bucketCounts!.map(Number)).toEqual(m.buckets.positive.counts);
    }
    const requests = scope.metrics.find((m) => m.name === 'http.server.requests')!;
    expect(requests.sum!.isMonotonic).toBe(true);
    expect(requests.sum!.dataPoints.map((p) => p.asDouble ?? 0).sort((a, b) => a - b)).toEqual([7, 12]);
    const heap = scope.metrics.find((m) => m.name === 'v8js.memory.heap.limit')!;
    expect(heap.unit).toBe('By');
    expect(heap.gauge!.dataPoints[0]!.asDouble).toBe(4_345_298_944);
  });
});
