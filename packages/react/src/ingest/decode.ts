import type { Audit } from '@perf/core';
import { isReactBeacon, type ReactIngestOptions, reactBeaconToReport } from './reactBeaconToReport.js';

/**
 * A `decode` for @perf/node's beacon handlers: a react beacon becomes an AuditReport, anything else (an
 * AuditReport from another sender) passes through unchanged. Throws ReportSchemaError for a malformed react
 * beacon, which the handler answers with a 400 naming the bad paths.
 */
export function reactBeaconDecoder(options: ReactIngestOptions = {}): (value: unknown) => unknown {
  return (value) => (isReactBeacon(value) ? reactBeaconToReport(value, options) : value);
}

/** reactBeaconDecoder() with the default thresholds: `beaconHandler(audit, { decode: decodeReactBeacon })`. */
export const decodeReactBeacon: (value: unknown) => unknown = reactBeaconDecoder();

/** Translates a react beacon and merges it into `audit` (nothing is merged when it throws). */
export function ingestReactBeacon(audit: Audit, input: unknown, options: ReactIngestOptions = {}): void {
  audit.ingest(reactBeaconToReport(input, options));
}
