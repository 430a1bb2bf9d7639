import { SubjectSchema } from '@perf/core';
import { z } from 'zod';
import { REACT_BEACON_KIND } from '../beaconKind.js';

export { REACT_BEACON_KIND };

/*
 * The react beacon, version 1: what createBrowserAudit measures in a page, as raw numbers. It carries no
 * metric names, histograms or finding texts; reactBeaconToReport turns it into an AuditReport on the server.
 * Every list is bounded here (and by the agent, which counts what it drops). Times are performance.now()
 * milliseconds of the page; routes are paths without query or fragment.
 */
/** Strings are cut, not refused: the agent does not spend bytes trimming them (the body limit bounds them). */
const str = (max: number) => z.string().transform((s) => s.slice(0, max));
const num = z.number().finite();
const ms = num.nonnegative();
const count = z.number().int().nonnegative();
const route = str(512);
const rating = z.enum(['good', 'needs-improvement', 'poor']);
/** A duration histogram: key = round(ln(ms) * 32) ("-Infinity" for 0 ms), value = how many. */
const buckets = z
  .record(z.string().regex(/^(-?\d{1,4}|-Infinity)$/, 'a bucket key is round(ln(ms) * 32)'), count)
  .refine((b) => Object.keys(b).length <= 1024, 'at most 1024 buckets');
const record = <T extends z.ZodType>(value: T, max: number) =>
  z.record(z.string().max(1024), value).refine((r) => Object.keys(r).length <= max, `at most ${max} keys`);

/** One Core Web Vital value (the latest of its metric instance). */
const VitalSchema = z.object({
  /** web-vitals' metric name. FID is not one: INP replaced it. */
  n: z.enum(['LCP', 'INP', 'CLS', 'FCP', 'TTFB']),
  v: ms,
  r: rating,
  /** The navigation's start: 0 for the page load, later for a bfcache restore or a soft navigation. */
  t: num,
  /** When it happened (CLS: the largest shift; INP: the interaction; else its entry), for its route. */
  at: num.optional(),
  /** LCP: the element's selector; CLS: the largest shift's source. */
  el: str(256).optional(),
  /** LCP: the resource URL (image), without query. */
  url: str(2048).optional(),
});

/**
 * One Event Timing entry of 40 ms or more that belongs to an interaction: [interactionId, event type,
 * startTime, processingStart, processingEnd, duration, target selector, tracked components whose latest
 * commit fell between its start and its next paint]. The events of one interaction share its id.
 */
const InteractionSchema = z.tuple([count, str(64), num, num, num, ms, str(256), z.array(str(256)).max(20)]);

/** A long task (PerformanceObserver 'longtask'): [startTime, duration]. */
const LongTaskSchema = z.tuple([num, ms]);

/** Resource Timing summed per route and URL path: counts since the last beacon, bytes since page load. */
const ResourceSchema = z.object({
  u: str(2048),
  r: route,
  /** initiatorType. */
  i: str(32),
  /** contentType (Chrome 129+), when given. */
  ct: str(128).optional(),
  /** Loads since the previous beacon. */
  n: count,
  /** transferSize, encodedBodySize and decodedBodySize summed since page load. */
  t: ms,
  e: ms,
  d: ms,
  /** fetch/XHR durations since the previous beacon. */
  ms: buckets.optional(),
});

/** One component's renders since the previous beacon (every tracked component is in every beacon). */
const RenderSchema = z.object({
  c: str(256),
  /** Mounts, updates and unnecessary updates since the previous beacon. */
  m: count,
  u: count,
  x: count,
  /** Instances mounted now. */
  i: count,
  /** Identity-only props of the unnecessary updates: [times, what they held]. */
  p: record(z.tuple([count, z.enum(['function', 'object'])]), 20).optional(),
  /** Render durations by phase (development and profiling builds). */
  d: z.object({ m: buckets.optional(), u: buckets.optional() }).optional(),
  /** Mounted instances at the last navigations, when there were navigations since the previous beacon. */
  nav: z.array(count).max(16).optional(),
});

export const ReactBeaconSchema = z.object({
  v: z.literal(1),
  kind: z.literal(REACT_BEACON_KIND),
  /** The app: a name, or { name, version, commit, environment }. */
  subject: z.union([z.string().min(1).max(256), SubjectSchema]),
  /** Route history: [performance.now() of the change, route], the last 50 (the first is the page load's). */
  routes: z
    .array(z.tuple([num, route]))
    .min(1)
    .max(64),
  /**
   * performance.now() when the beacon was built, and the first input's startTime (Event Timing
   * 'first-input') if any: the beacon that carries the page load's FCP (normally the first, so its long tasks
   * are all since page load) gives TBT and TTI over [FCP, min(input, now)], and with LCP and CLS the score.
   */
  now: ms,
  input: ms.optional(),
  vitals: z.array(VitalSchema).max(200).optional(),
  interactions: z.array(InteractionSchema).max(500).optional(),
  longTasks: z.array(LongTaskSchema).max(500).optional(),
  resources: z.array(ResourceSchema).max(500).optional(),
  renders: z.array(RenderSchema).max(1000).optional(),
  /** true once React reported a render duration (development/profiling builds); false while it never did. */
  durations: z.boolean().optional(),
  /** JS heap at each beacon and navigation: [t, usedJSHeapSize, jsHeapSizeLimit] (performance.memory, Chromium). */
  heap: z
    .array(z.tuple([num, ms, ms]))
    .max(500)
    .optional(),
  /** Errors caught in the page agent since the previous beacon, and the latest message. */
  faults: count.optional(),
  fault: str(512).optional(),
  /** Items the agent dropped at its caps, by list. */
  dropped: record(count, 32).optional(),
});

/** A react beacon (version 1), as createBrowserAudit sends it. */
export type ReactBeacon = z.infer<typeof ReactBeaconSchema>;
export type ReactBeaconVital = NonNullable<ReactBeacon['vitals']>[number];
export type ReactBeaconInteraction = NonNullable<ReactBeacon['interactions']>[number];
export type ReactBeaconResource = NonNullable<ReactBeacon['resources']>[number];
export type ReactBeaconRender = NonNullable<ReactBeacon['renders']>[number];
export type ReactBeaconLongTask = NonNullable<ReactBeacon['longTasks']>[number];
