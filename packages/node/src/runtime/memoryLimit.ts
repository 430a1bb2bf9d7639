import { totalmem } from 'node:os';

/** The denominator of memory utilization and where it came from (reported in runtime.memoryLimitSource). */
export interface MemoryLimit {
  bytes: number;
  source: 'cgroup' | 'total-memory' | 'configured';
}

/**
 * The memory the process may use: a configured value, else the cgroup limit (process.constrainedMemory(),
 * which returns 0 or a huge sentinel when unconstrained), else the machine's total memory.
 */
export function memoryLimit(configured?: number): MemoryLimit {
  if (configured && configured > 0) return { bytes: configured, source: 'configured' };
  const total = totalmem();
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  if (constrained && constrained > 0 && constrained < total) return { bytes: constrained, source: 'cgroup' };
  return { bytes: total, source: 'total-memory' };
}
