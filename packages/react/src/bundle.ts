// The build-time entry (@perf/react/bundle): it uses node:fs and node:zlib, so it stays out of the browser entry.
export {
  type BundleReport,
  type BundleSize,
  type MeasureBundleOptions,
  measureBundle,
  recordBundle,
} from './bundle/measureBundle.js';
