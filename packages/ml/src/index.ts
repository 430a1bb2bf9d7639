/** Result of one job.batch() call: results in order plus failures. */
export {
  type BatchFailure,
  type BatchOptions,
  type BatchResult,
  CALIBRATION_ITEMS,
  MAX_BATCH_FAILURES,
  MAX_STRIDE,
  runBatch,
} from './batch.js';
/** cgroup detection and peak readers used for exact tree peaks. */
export {
  type CgroupInfo,
  detectCgroup,
  readCgroupCurrent,
  readCgroupPeak,
  resetCgroupPeak,
} from './cgroup.js';
/** The Node-side protocol reporter for child jobs. */
export { type ChildReporter, type ChildReporterOptions, childReporter } from './childReporter.js';
/** Cores a job could use: the denominator of parallel efficiency. */
export { type CoresAvailable, coresAvailable } from './cores.js';
/** Finding recommendations per ml rule. */
export { evaluateFindings, type MlRule, RECOMMENDATIONS } from './findings.js';
/** Bounds on what one job keeps. */
export {
  type BatchHandles,
  type JobMeasurements,
  JobRecorder,
  MAX_PHASE_NAMES,
  MAX_PHASE_RECORDS,
} from './jobRecorder.js';
/** Tree termination: SIGTERM, grace, SIGKILL. */
export { signalTree, type Termination, terminateTree } from './killTree.js';
/** Bounded line splitting for child output. */
export { type LineHandlers, LineSplitter } from './lineSplitter.js';
/** The in-process job wrapper. */
export { type Job, type MlJobOptions, mlJob, resolveThresholds } from './mlJob.js';
/** Paths of the package root and of perf_ml.py. */
export { packageRoot, perfMlPythonPath } from './packageRoot.js';
/** Process-tree tracking over /proc. */
export { MAX_TREE_PROCESSES, ProcessTree, type TreeProcess, type TreeSample } from './processTree.js';
/** /proc readers. */
export {
  isAlive,
  type ProcMemory,
  type ProcStat,
  readMemory,
  readStat,
  resetHighWaterMark,
} from './procfs.js';
/** The child line protocol. */
export {
  type ConvergenceDiagnostics,
  DEFAULT_MAX_LINE_BYTES,
  formatMessage,
  PROTOCOL_FD_ENV,
  PROTOCOL_PREFIX,
  type ProtocolMessage,
  parseMessage,
} from './protocol.js';
/** The child-process job runner. */
export {
  DEFAULT_TREE_INTERVAL_MS,
  type ProcessSummary,
  type RunJobOptions,
  type RunJobResult,
  runJob,
} from './runJob.js';
/** In-process CPU / memory sampler. */
export { DEFAULT_SELF_INTERVAL_MS, SelfSampler, type SelfUsage } from './selfSampler.js';
/** stdout / protocol-fd demultiplexing and output tails. */
export { type ProtocolSink, protocolSplitter, stdoutSplitter, Tail } from './stdioDemux.js';
/** The peak-memory decision for a child tree. */
export { treePeak } from './treePeak.js';
/** Job kinds, thresholds and result shapes. */
export {
  type BatchSummary,
  DEFAULT_THRESHOLDS,
  type JobKind,
  type JobResult,
  type MemoryPeak,
  type PhaseRecord,
  type Thresholds,
} from './types.js';
