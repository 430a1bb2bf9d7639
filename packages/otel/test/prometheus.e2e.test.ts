import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { type Audit, createAudit, type GaugeMetric, type HistogramMetric, lowerBoundary } from '@perf/core';
import { nodeRuntime, perfHandler } from '@perf/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bridgeToOpenTelemetry,
  defaultExplicitBoundaries,
  SEMCONV_DURATION_BOUNDARIES_S,
  toExplicitHistogram,
} from '../src/index.js';
import { type PrometheusServer, requirePrometheus, startPrometheus } from './prometheus.js';

const prometheus = requirePrometheus();

/** Delays that spread real request durations over several of the semconv buckets. */
const DELAYS_MS = [0, 3, 8, 15, 30, 60];
const REQUESTS = 36;

const listen = (s: ReturnType<typeof createServer>) =>
  new Promise<string>((r) =>
    s.listen(0, '127.0.0.1', () => r(`127.0.0.1:${(s.address() as AddressInfo).port}`)),
  );
const close = (s: ReturnType<typeof createServer>) => new Promise<void>((r) => s.close(() => r()));

describe.skipIf(!prometheus)(
  'end to end: a real Prometheus scrapes the bridge through exporter-prometheus',
  () => {
    let audit: Audit;
    let app: ReturnType<typeof createServer>;
    let metricsServer: ReturnType<typeof createServer>;
    let provider: MeterProvider;
    let prom: PrometheusServer;

    beforeAll(async () => {
      audit = createAudit({ subject: 'otel-prometheus-e2e' });
      audit.use(nodeRuntime({ intervalMs: 200 }));
      let n = 0;
      const handler = perfHandler(
        (_req: IncomingMessage, res: ServerResponse) => {
          const delay = DELAYS_MS[n++ % DELAYS_MS.length]!;
          setTimeout(() => res.end('ok'), delay);
        },
        { audit, route: () => '/work' },
      );
      app = createServer(handler);
      const appAddress = await listen(app);

      // The user's pipeline: their MeterProvider and Prometheus exporter, our producer on the exporter.
      const bridge = bridgeToOpenTelemetry(audit, { explicitBoundaries: defaultExplicitBoundaries });
      const exporter = new PrometheusExporter({
        preventServerStart: true,
        metricProducers: [bridge.metricProducer],
      });
      provider = new MeterProvider({ readers: [exporter] });
      metricsServer = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
      const target = await listen(metricsServer);

      const started = startPrometheus(prometheus!, target);
      for (let i = 0; i < REQUESTS; i += 4) {
        await Promise.all(
          Array.from({ length: Math.min(4, REQUESTS - i) }, () =>
            fetch(`http://${appAddress}/work`).then((r) => r.text()),
          ),
        );
      }
      prom = await started;
    });

    afterAll(async () => {
      await prom?.stop();
      await provider?.shutdown();
      if (metricsServer) await close(metricsServer);
      if (app) await close(app);
      await audit?.close();
    });

    /** Polls an instant query until `ok` holds (Prometheus scrapes every second). */
    async function until<T>(
      promql: string,
      ok: (r: Awaited<ReturnType<PrometheusServer['query']>>) => T | undefined,
    ) {
      const deadline = Date.now() + 25_000;
      for (;;) {
        const result = await prom.query(promql);
        const v = ok(result);
        if (v !== undefined) return v;
        if (Date.now() > deadline)
          throw new Error(`${promql} never matched: ${JSON.stringify(result)}\n${prom.log()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }

    it('request-duration histogram in Prometheus matches the audit report', async () => {
      const report = audit.report();
      const m = report.metrics.find(
        (x): x is HistogramMetric =>
          x.name === 'http.server.request.duration' && x.attributes['http.route'] === '/work',
      )!;
      expect(m.count).toBe(REQUESTS);
      const sel = '{http_route="/work",job="app"}';
      await until(`http_server_request_duration_count${sel}`, (r) =>
        r.length === 1 && Number(r[0]!.value[1]) === REQUESTS ? true : undefined,
      );
      const sum = await prom.query(`http_server_request_duration_sum${sel}`);
      expect(Number(sum[0]!.value[1])).toBe(m.sum / 1000);
      expect(sum[0]!.metric).toMatchObject({
        http_request_method: 'GET',
        http_status_class: '2xx',
        otel_scope_name: '@perf/otel',
      });

      const buckets = await prom.query(`http_server_request_duration_bucket${sel}`);
      const byLe = new Map(buckets.map((b) => [b.metric.le!, Number(b.value[1])]));
      expect(byLe.size).toBe(SEMCONV_DURATION_BOUNDARIES_S.length + 1);
      expect(byLe.get('+Inf')).toBe(REQUESTS);
      const explicit = toExplicitHistogram(m, 1000, SEMCONV_DURATION_BOUNDARIES_S);
      let cumulative = 0;
      const spread = new Set<number>();
      SEMCONV_DURATION_BOUNDARIES_S.forEach((le, i) => {
        cumulative += explicit.buckets.counts[i]!;
        const got = byLe.get(String(le));
        expect(got, `le=${le}`).toBe(cumulative);
        spread.add(got!);
        // Independently of the placement rule: at least the buckets wholly below le, at most those starting below it.
        const b = m.buckets;
        let surely = b.zeroCount;
        let maybe = b.zeroCount;
        b.positive.counts.forEach((c, k) => {
          if (lowerBoundary(b.positive.offset + k + 1, b.scale) / 1000 <= le) surely += c;
          if (lowerBoundary(b.positive.offset + k, b.scale) / 1000 < le) maybe += c;
        });
        expect(got!).toBeGreaterThanOrEqual(surely);
        expect(got!).toBeLessThanOrEqual(maybe);
      });
      // The delays put requests in several buckets, so this is not a one-bucket test.
      expect(spread.size).toBeGreaterThanOrEqual(4);

      // Prometheus interpolates inside a bucket; the report's p95 must sit in the same bucket.
      const q = await prom.query(`histogram_quantile(0.95, http_server_request_duration_bucket${sel})`);
      const p95 = Number(q[0]!.value[1]);
      const bounds = [0, ...SEMCONV_DURATION_BOUNDARIES_S];
      const slot = bounds.findIndex((b, i) => i > 0 && m.p95 / 1000 <= b);
      expect(p95).toBeGreaterThan(bounds[slot - 1]!);
      expect(p95).toBeLessThanOrEqual(bounds[slot]!);

      const requests = await prom.query(`http_server_requests_total${sel}`);
      expect(requests.map((r) => Number(r.value[1]))).toEqual([REQUESTS]);
    });

    it('a runtime metric (V8 heap limit) in Prometheus matches the audit report', async () => {
      const heap = await until('v8js_memory_heap_limit{job="app"}', (r) =>
        r.length === 1 ? r[0] : undefined,
      );
      const m = audit.report().metrics.find((x): x is GaugeMetric => x.name === 'v8js.memory.heap.limit')!;
      expect(m.value).toBeGreaterThan(0);
      expect(Number(heap.value[1])).toBe(m.value);
      const up = await prom.query('up{job="app"}');
      expect(Number(up[0]!.value[1])).toBe(1);
    });
  },
);
