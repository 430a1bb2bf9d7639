import type { Audit } from '@perf/core';
import type { JobRecorder } from './jobRecorder.js';
import type { BatchSummary } from './types.js';

/** Options of job.batch(). */
export interface BatchOptions {
  /** Items in flight at once. Default 1. */
  concurrency?: number;
  /** Stop taking new items after the first failure and throw it (after in-flight items settle). Default false. */
  stopOnError?: boolean;
}

/** One failed item. */
export interface BatchFailure {
  index: number;
  error: unknown;
}

/** What job.batch() returns: results in input order (undefined where the item failed) and the failures. */
export interface BatchResult<R> extends BatchSummary {
  results: (R | undefined)[];
  failures: BatchFailure[];
}

/** Failures kept with their error per batch; beyond this only the count grows. */
export const MAX_BATCH_FAILURES = 1000;
/** Items started before the batch picks its timing stride (all of them timed unless the first is fast). */
export const CALIBRATION_ITEMS = 16;
/** Largest stride (a power of two): even trivial items get one timed sample per this many. */
export const MAX_STRIDE = 1024;

function isPromiseLike<R>(v: R | PromiseLike<R>): v is PromiseLike<R> {
  const t = typeof v;
  return (
    (t === 'object' || t === 'function') && v !== null && typeof (v as PromiseLike<R>).then === 'function'
  );
}

let clockCostMs: number | undefined;
/** Cost of one performance.now() call here (it is a syscall on some VMs), measured once. */
function clockCost(): number {
  if (clockCostMs === undefined) {
    const reads = 200;
    const t0 = performance.now();
    for (let i = 0; i < reads; i++) performance.now();
    clockCostMs = (performance.now() - t0) / reads;
  }
  return clockCostMs;
}

/** Extra cost of a timed item beyond its two clock reads: one more async frame and promise (measured ~0.1-0.2 us). */
const TIMED_ITEM_EXTRA_MS = 0.0002;

/**
 * One timed item in `stride` keeps the timing cost near 0.5% of the items' own time (per-item time as
 * estimated by the caller from the calibration items).
 */
function strideFor(perItemMs: number): number {
  const cost = 2 * clockCost() + TIMED_ITEM_EXTRA_MS;
  const item = Math.max(perItemMs, 1e-6);
  return Math.max(1, Math.min(MAX_STRIDE, Math.ceil(cost / (item * 0.005))));
}

/**
 * Runs fn over items with bounded concurrency, timing each item into ml.batch.item.duration and the whole
 * batch into ml.batch.throughput (items per hour of batch wall time).
 */
export async function runBatch<I, R>(
  audit: Audit | undefined,
  rec: JobRecorder,
  items: readonly I[],
  fn: (item: I, index: number) => R | Promise<R>,
  options: BatchOptions = {},
): Promise<BatchResult<R>> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const n = items.length;
  const results: (R | undefined)[] = new Array(n);
  const failures: BatchFailure[] = [];
  const hist = rec.batchHandles()?.itemDuration;
  let failed = 0;
  let next = 0;
  let stoppedAt = -1;
  let firstError: { error: unknown } | undefined;
  // Every item is timed until CALIBRATION_ITEMS are done; then one in a power-of-two stride, weighted by the
  // stride, so the clock reads stay near 0.5% of the items' own time however tiny the items are.
  const started = performance.now();
  /** Items with (index & mask) === 0 are timed: one in mask + 1, a power of two, after calibration. */
  let mask = 0;
  let calibrated = false;
  let timedItems = 0;
  let fastestMs = Number.POSITIVE_INFINITY;
  const record = (ms: number, weight: number) => {
    timedItems++;
    hist?.record(ms, weight);
    if (calibrated) return;
    if (ms < fastestMs) fastestMs = ms;
    if (next < CALIBRATION_ITEMS) {
      // Fast items do not need every calibration item timed: the first one shows they are fast, and one item
      // (weighted by the window) then stands for the rest of the window. Slow items are all timed from the start.
      // Short batches time every item.
      if (timedItems === 1 && n > 2 * CALIBRATION_ITEMS && strideFor(ms) >= CALIBRATION_ITEMS) {
        mask = CALIBRATION_ITEMS - 1;
      }
      return;
    }
    calibrated = true;
    // The fastest timed item is the estimate least disturbed by preemption on a busy machine; with
    // concurrency, the other workers' items ran inside it. Elapsed / started items bounds it from above.
    const fromTimed = (fastestMs - clockCost()) / Math.min(concurrency, n);
    const fromProgress = (performance.now() - started) / next;
    mask = 2 ** Math.floor(Math.log2(strideFor(Math.min(fromTimed, fromProgress)))) - 1;
  };
  /** Counts a failed item; true when the batch must stop taking items (stopOnError). */
  const onFailure = (index: number, error: unknown): boolean => {
    failed++;
    if (failures.length < MAX_BATCH_FAILURES) failures.push({ index, error });
    if (!options.stopOnError || firstError) return false;
    firstError = { error };
    return true;
  };

  /** Counts a failure and, under stopOnError, jumps `next` to the end so every worker stops. */
  const fail = (i: number, error: unknown) => {
    if (onFailure(i, error)) {
      stoppedAt = next;
      next = n;
    }
  };

  /** Whether the last timed item returned a promise: the untimed items then take the plain `await` loop. */
  let awaitsItems = false;
  /** End of the current block of untimed items: the next timed index (or n). */
  let blockEnd = 0;
  /** The settling of the timed item in flight, when it returned a promise: the worker awaits it. */
  let pending: Promise<void> | undefined;

  /**
   * Runs and times the item at `next`. A synchronous result (or throw) is stored (or counted) at once; for a
   * promise, that happens when it settles, and the function returns true with the settling in `pending`.
   */
  function startTimed(): boolean {
    const i = next++;
    const weight = mask + 1;
    const t0 = performance.now();
    try {
      const r = fn(items[i] as I, i);
      awaitsItems = r instanceof Promise || isPromiseLike(r);
      if (awaitsItems) {
        pending = Promise.resolve(r).then(
          (value) => {
            record(performance.now() - t0, weight);
            results[i] = value;
          },
          (error: unknown) => {
            record(performance.now() - t0, weight);
            fail(i, error);
          },
        );
        return true;
      }
      record(performance.now() - t0, weight);
      results[i] = r as R;
    } catch (error) {
      record(performance.now() - t0, weight);
      fail(i, error);
    }
    return false;
  }

  /**
   * The untimed items of a block while items are synchronous, stored as they come, with no microtask hop.
   * At the first item that returns a promise, returns true with its settling in `pending`.
   */
  function syncBlock(): boolean {
    // Nothing else runs until this returns (no await), so the index is a local and `next` is written back
    // only where someone reads it: before a failure is counted, at a promise, at the end. On 10,000 sync
    // no-ops (plain Node, 2,000 runs) this loop takes 1.7 ns per item, the same loop on the closure's `next`
    // 3.0 ns, and a bare for loop 1.4 ns.
    const end = blockEnd;
    const call = fn;
    const input = items;
    const out = results;
    for (let i = next; i < end; i++) {
      try {
        const r = call(input[i] as I, i);
        if (r instanceof Promise || isPromiseLike(r)) {
          next = i + 1;
          pending = Promise.resolve(r).then(
            (value) => {
              out[i] = value;
            },
            (error: unknown) => fail(i, error),
          );
          return true;
        }
        out[i] = r;
      } catch (error) {
        next = i + 1;
        fail(i, error);
        // Under stopOnError the failure moved `next` to the end: the batch stops here.
        if (next !== i + 1) return false;
      }
    }
    next = end;
    return false;
  }

  // The untimed items of async functions run in the worker's own loop, which is the plain loop an app would
  // write. On every `await`, V8 stores the async function's registers (its locals and the temporaries in use)
  // in its generator object and reloads them on resume, so what matters per item is how many values the
  // worker has, not only what the loop does: the timed item and the synchronous loop live in their own
  // functions, the block end is a closure slot, and a result is stored after its await rather than with
  // `results[i] = await ...` (which holds `results` across it). The worker then saves 5 registers per await,
  // the plain loop 6, and the previous worker (the timed item and both loops inline) 10. Measured in plain
  // Node without an audit on 36 ns async items, 9 processes x 201 paired rounds against the plain loop: the
  // block end in a local +7.5%, in a parameter of a nested loop function +9.6%, all inline +1.7%, this +0.7%.
  async function worker(): Promise<void> {
    while (next < n) {
      // With concurrency, another worker may have taken the timed index of this block already.
      if ((next & mask) === 0 && startTimed()) await pending;
      // The next multiple of the stride (`mask` may have grown while the timed item ran, during calibration).
      // With every item timed (mask 0) the block is empty.
      blockEnd = Math.min(n, (next + mask) & ~mask);
      if (awaitsItems) {
        while (next < blockEnd) {
          const i = next++;
          try {
            const r = await fn(items[i] as I, i);
            results[i] = r;
          } catch (error) {
            fail(i, error);
          }
        }
      } else if (syncBlock()) {
        await pending;
      }
    }
  }

  const workerCount = Math.min(concurrency, n);
  if (workerCount <= 1) {
    await worker();
  } else {
    const workers: Promise<void>[] = [];
    for (let w = 0; w < workerCount; w++) workers.push(worker());
    await Promise.all(workers);
  }
  const durationMs = performance.now() - started;
  const processed = stoppedAt >= 0 ? stoppedAt : n;
  const itemsPerHour = durationMs > 0 ? (processed / durationMs) * 3_600_000 : 0;
  const summary: BatchSummary = {
    items: processed,
    failed,
    durationMs,
    itemsPerHour,
    concurrency,
    timedItems,
    timingStride: mask + 1,
  };
  rec.recordBatch(summary);
  const handles = rec.batchHandles();
  if (handles && audit) {
    audit.safely('ml', () => {
      if (processed > 0) handles.throughput.set(itemsPerHour);
      if (failed > 0) handles.failures.add(failed);
    });
  }
  if (firstError) throw firstError.error;
  failures.sort((a, b) => a.index - b.index);
  // Not `{ ...summary, results, failures }`: on Node 20 a spread followed by more properties builds a fresh
  // map each time and cost 2-4 us here, a third of the fixed cost of a batch.
  return {
    items: summary.items,
    failed: summary.failed,
    durationMs: summary.durationMs,
    itemsPerHour: summary.itemsPerHour,
    concurrency: summary.concurrency,
    timedItems: summary.timedItems,
    timingStride: summary.timingStride,
    results,
    failures,
  };
}
