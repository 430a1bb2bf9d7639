/** Bridges an audit into the user's OpenTelemetry SDK: a MetricProducer plus findings as log records. */

/** Explicit boundaries by wire unit for backends without exponential histograms (Prometheus). */
export { defaultExplicitBoundaries } from './boundaries.js';
export { type BridgeOptions, bridgeToOpenTelemetry, type OpenTelemetryBridge } from './bridge.js';
/** Re-bucketing onto explicit boundaries, and the semantic conventions' duration boundaries. */
export { SEMCONV_DURATION_BOUNDARIES_S, toExplicitHistogram } from './explicitBuckets.js';
/** Exponential histogram conversion and the ms -> s index shift with its error bound. */
export { secondsIndexShift, secondsShiftError, toExponentialHistogram } from './exponentialBuckets.js';
/** Findings as OTel log records. */
export { FindingLogEmitter, findingToLogRecord } from './findingLogs.js';
/** The MetricProducer for a user's MetricReader, and the report -> MetricData conversion behind it. */
export {
  type AuditMetricProducerOptions,
  createAuditMetricProducer,
  type ExplicitBoundaries,
  reportToMetricData,
  SCOPE,
} from './metricProducer.js';
/** The report unit -> OTel unit mapping. */
export { type TimeUnit, type WireUnit, wireUnit } from './wireUnit.js';
