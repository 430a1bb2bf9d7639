// Types only: the SDK is the user's (an optional peer), so nothing here loads @opentelemetry/sdk-metrics or
// @opentelemetry/api-logs at run time. Enum values are written as numbers (stable since sdk-metrics 1.x; a
// test compares them with the SDK's enums) and cast to the enum member types the SDK's unions discriminate on.
import type {
  AggregationTemporality,
  CollectionResult,
  DataPoint,
  DataPointType,
  ExponentialHistogram,
  Histogram,
  MetricData,
  MetricProducer,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';

export type { Logger, LoggerProvider, LogRecord } from '@opentelemetry/api-logs';
export type {
  CollectionResult,
  DataPoint,
  ExponentialHistogram,
  Histogram,
  MetricData,
  MetricProducer,
  ResourceMetrics,
};

/** DataPointType.EXPONENTIAL_HISTOGRAM and friends, without loading the SDK. */
export const DATA_POINT = {
  HISTOGRAM: 0 as DataPointType.HISTOGRAM,
  EXPONENTIAL_HISTOGRAM: 1 as DataPointType.EXPONENTIAL_HISTOGRAM,
  GAUGE: 2 as DataPointType.GAUGE,
  SUM: 3 as DataPointType.SUM,
};

/** The audit's metrics are totals since its start (or last reset), i.e. cumulative. */
export const CUMULATIVE = 1 as AggregationTemporality.CUMULATIVE;

/** api-logs SeverityNumber values for the finding severities. */
export const SEVERITY_NUMBER = { info: 9, warning: 13, critical: 17 } as const;
export const SEVERITY_TEXT = { info: 'INFO', warning: 'WARN', critical: 'ERROR' } as const;
