/** A main-thread task longer than 50 ms (start and duration in ms, performance.now() clock). */
export interface LongTask {
  start: number;
  duration: number;
}

/** Lighthouse's quiet window: TTI is the end of the last long task before 5 s without one. */
export const QUIET_WINDOW_MS = 5000;

/** Total Blocking Time and a Time to Interactive estimate from long tasks. */
export interface BlockingEstimate {
  tbt: number;
  tti: number;
  /** True when a full 5 s quiet window was observed (otherwise TTI is provisional, as of windowEnd). */
  settled: boolean;
  longTasks: number;
}

/**
 * TBT and TTI as Lighthouse defines them, from field data: TTI is the end of the last long task after FCP
 * that is followed by a 5 s quiet window (FCP itself when there is none); TBT sums each such task's time
 * beyond 50 ms between FCP and TTI. Tasks after `windowEnd` (the first user input, or now) are left out:
 * an interaction's own work is INP's business, not load interactivity. Network quietness is not checked.
 */
export function estimateBlocking(
  tasks: readonly LongTask[],
  fcp: number,
  windowEnd: number,
): BlockingEstimate {
  const relevant = tasks
    .filter((t) => t.start + t.duration > fcp && t.start < windowEnd)
    .sort((a, b) => a.start - b.start);
  let tti = fcp;
  let settled = false;
  let i = 0;
  for (; i < relevant.length; i++) {
    const t = relevant[i]!;
    if (t.start - tti >= QUIET_WINDOW_MS) {
      settled = true;
      break;
    }
    tti = Math.max(tti, t.start + t.duration);
  }
  if (!settled && windowEnd - tti >= QUIET_WINDOW_MS) settled = true;
  let tbt = 0;
  for (let k = 0; k < i; k++) {
    const t = relevant[k]!;
    // Only the part after FCP counts, as in Lighthouse.
    const start = Math.max(t.start, fcp);
    const end = t.start + t.duration;
    if (end - start > 50) tbt += end - start - 50;
  }
  return { tbt, tti, settled, longTasks: i };
}
