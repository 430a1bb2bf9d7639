/**
 * Recommendations quoted from the performance audit's "Backend Optimizations" and "Common Backend Issues",
 * made concrete for the finding that cites them.
 */
export const RECOMMENDATIONS = {
  slowEndpoint:
    'Optimize this critical API endpoint: add database query optimization, implement Redis caching for ' +
    'frequent queries, implement data pagination, and use async/await properly throughout.',
  errorRate:
    'Fix the failing code path and its error handling (poor error handling causes retries), and add ' +
    'monitoring and alerting on 5xx responses.',
  uncompressed:
    'Add response compression (gzip or brotli: the compression middleware, @fastify/compress or koa-compress).',
  largePayload:
    'Implement data pagination and return only the fields the client needs (inefficient data serialization).',
  eventLoopBlocked:
    'Synchronous operations are blocking the async loop: use async/await properly throughout, avoid sync I/O ' +
    'and large synchronous JSON work in request paths, and move CPU-heavy work to worker threads or a job queue.',
  startupBlocked:
    'If cold starts matter (autoscaling, serverless, restarts under load): load rarely used modules lazily, ' +
    'compile TypeScript ahead of time instead of at start-up, and warm caches after the server listens.',
  eventLoopOffCpu:
    'Synchronous operations are blocking the async loop while it waits: replace sync fs, child_process and ' +
    'crypto calls in request paths with their async forms, never Atomics.wait on the main thread, and move ' +
    'blocking native calls to a worker thread.',
  gcPressure:
    'Reduce allocation in hot paths (inefficient data serialization, large intermediate arrays), paginate and ' +
    'stream large results, and reuse buffers; if the heap is simply too small, raise --max-old-space-size.',
  memoryLeak:
    'Fix the memory leak in this long-running process: look for unbounded in-process caches, listeners and ' +
    'timers never removed, and closures retaining request data; compare two heap snapshots taken minutes apart.',
  memoryPressure:
    'Memory usage is above 80% of the allocated limit: fix leaks, bound in-process caches (or move them to ' +
    'Redis), stream large payloads, or raise the limit.',
  cpuSaturation:
    'CPU usage is above 70% of the available CPU: profile the hot paths, implement Redis caching for frequent ' +
    'queries, move heavy computation off the request path, and add connection pooling optimization.',
  cacheLowHitRate:
    'Add a comprehensive caching strategy: review cache keys and TTLs, warm the cache for frequent queries, and ' +
    'check that invalidation is not evicting entries before they are reused.',
} as const;
