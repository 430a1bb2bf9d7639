export { beaconHandler, sendBeaconResult } from './beacon/beaconHandler.js';
export { fastifyBeacon, koaBeacon } from './beacon/frameworkBeacons.js';
export { type BeaconOptions, type BeaconResult, ingestBeacon, tooLarge } from './beacon/ingestBeacon.js';
export {
  type CacheOptions,
  type CacheStats,
  cacheStats,
  instrumentCache,
  uninstrumentCache,
} from './cache/instrumentCache.js';
export { countBodyBytes, responseBytes } from './http/bodySize.js';
export {
  type ExpressLikeRequest,
  type ExpressMiddleware,
  expressPerf,
  expressPerfHandler,
  expressRoute,
} from './http/express.js';
export { fastifyPerf } from './http/fastify.js';
export { HttpInstrumentation, httpInstrumentation } from './http/httpInstrumentation.js';
export type { HttpOptions, ResolvedHttpOptions } from './http/httpOptions.js';
export { inFlight } from './http/inFlight.js';
export { type KoaLikeContext, type KoaOptions, koaPerf } from './http/koa.js';
export { normalizeMethod } from './http/method.js';
export { instrumentServer, type NodeHttpOptions, perfHandler } from './http/nodeHttp.js';
export { currentRequest, requestStorage, setRoute } from './http/requestContext.js';
export { RequestState, UNMATCHED } from './http/requestState.js';
export { STATUS_CLASSES, type StatusClass, statusClass } from './http/statusClass.js';
export { RECOMMENDATIONS } from './recommendations.js';
export { type CpuLimit, cgroupCpuQuota, cpuLimit } from './runtime/cpuLimit.js';
export { CpuProfiler } from './runtime/cpuProfile.js';
export { EventLoopDelay } from './runtime/eventLoopDelay.js';
export { EventLoopUtilizationWindow } from './runtime/eventLoopUtilization.js';
export { type GcKind, GcObserver } from './runtime/gc.js';
export { HeapAfterGc } from './runtime/heapTrend.js';
export { incompleteBeta, linearTrend, logGamma, studentTUpper, type Trend } from './runtime/leakTrend.js';
export { type MemoryLimit, memoryLimit } from './runtime/memoryLimit.js';
export { type NodeRuntimeCollector, nodeRuntime } from './runtime/nodeRuntime.js';
export type { ResolvedRuntimeOptions, RuntimeOptions } from './runtime/runtimeOptions.js';
export { type Stall, StallDetector } from './runtime/stallDetector.js';
