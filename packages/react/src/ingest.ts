// The server-side entry (@perf/react/ingest): validates react beacons with zod and turns them into
// AuditReports. It imports @perf/core and zod, so it stays out of the browser entry.
export { decodeReactBeacon, ingestReactBeacon, reactBeaconDecoder } from './ingest/decode.js';
export { lighthouseScore, logNormalScore, type ScoreInputs } from './ingest/lighthouseScore.js';
export {
  type BlockingEstimate,
  estimateBlocking,
  type LongTask,
  QUIET_WINDOW_MS,
} from './ingest/longTasks.js';
export {
  isReactBeacon,
  parseReactBeacon,
  type ReactIngestOptions,
  reactBeaconToReport,
} from './ingest/reactBeaconToReport.js';
export { classifyResource, imageFormat, type ResourceKind } from './ingest/resources.js';
export { routeAt } from './ingest/routeAt.js';
export {
  REACT_BEACON_KIND,
  type ReactBeacon,
  type ReactBeaconInteraction,
  type ReactBeaconRender,
  type ReactBeaconResource,
  ReactBeaconSchema,
  type ReactBeaconVital,
} from './ingest/schema.js';
