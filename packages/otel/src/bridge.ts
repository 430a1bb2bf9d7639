import type { Audit, AuditReport } from '@perf/core';
import { FindingLogEmitter } from './findingLogs.js';
import { type AuditMetricProducerOptions, createAuditMetricProducer, SCOPE } from './metricProducer.js';
import type { LoggerProvider, MetricProducer } from './otelTypes.js';

export interface BridgeOptions extends Omit<AuditMetricProducerOptions, 'onReport'> {
  /** Findings become log records on this provider's logger (an @opentelemetry/sdk-logs LoggerProvider). */
  loggerProvider?: LoggerProvider;
  /**
   * Also send findings on this interval (ms, timer unref'd) besides each metric collection and `flush()`.
   * Default: none, findings go out with metric collections and on flush()/close().
   */
  findingsIntervalMs?: number;
}

/** What `bridgeToOpenTelemetry` returns. */
export interface OpenTelemetryBridge {
  /** Pass to your MetricReader: `new PeriodicExportingMetricReader({ exporter, metricProducers: [it] })`. */
  readonly metricProducer: MetricProducer;
  /** Emits findings not yet sent as log records; returns how many. */
  flush(): number;
  /** Stops the timer and sends the last findings; the producer keeps answering (the reader owns its life). */
  close(): void;
}

/**
 * Exposes an audit through the user's OpenTelemetry SDK: its metrics as a MetricProducer for the user's
 * MetricReader (names and units per the semantic conventions, histograms with their buckets), its findings
 * as log records on the user's LoggerProvider.
 */
export function bridgeToOpenTelemetry(audit: Audit, options: BridgeOptions = {}): OpenTelemetryBridge {
  const { loggerProvider, findingsIntervalMs, ...producerOptions } = options;
  const emitter = loggerProvider
    ? new FindingLogEmitter(loggerProvider.getLogger(SCOPE.name, SCOPE.version))
    : undefined;
  const emit = (report: AuditReport) => audit.safely('otel', () => emitter?.emit(report)) ?? 0;
  const metricProducer = createAuditMetricProducer(audit, {
    ...producerOptions,
    ...(emitter ? { onReport: emit } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  if (emitter && findingsIntervalMs && findingsIntervalMs > 0) {
    timer = setInterval(() => emit(audit.report()), Math.max(100, findingsIntervalMs));
    timer.unref();
  }
  let closed = false;
  return {
    metricProducer,
    flush() {
      return emitter && !closed ? emit(audit.report()) : 0;
    },
    close() {
      if (closed) return;
      if (timer) clearInterval(timer);
      timer = undefined;
      if (emitter) emit(audit.report());
      closed = true;
    },
  };
}
