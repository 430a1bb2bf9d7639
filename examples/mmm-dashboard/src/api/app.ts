import { existsSync } from 'node:fs';
import type { Audit } from '@perf/core';
import { beaconHandler, expressPerf, instrumentCache } from '@perf/node';
import { decodeReactBeacon } from '@perf/react/ingest';
import compression from 'compression';
import express from 'express';
import type { Knex } from 'knex';
import { contributions } from './contributions.js';
import { mediaByWeek, mediaListing } from './media.js';
import { brands, modelRuns } from './modelRuns.js';
import { roiCurves } from './roiCurves.js';
import { type ScenarioResult, scenarios } from './scenarios.js';

export interface AppOptions {
  knex: Knex;
  audit: Audit;
  /** Serve the API with the audit's problems fixed. */
  fixed: boolean;
  /** The built dashboard (vite output) to serve at /, when present. */
  webDir?: string;
}

/** The MMM API: express with perf-audit's middleware, beacon ingest and an instrumented scenario cache. */
export function createApp({ knex, audit, fixed, webDir }: AppOptions): express.Express {
  const app = express();
  app.use(expressPerf({ audit }));
  // Unfixed, the API sends every JSON body uncompressed, even to the dashboard's browser, which accepts gzip
  // and brotli. The load tool, like autocannon and most scripts, asks for no compression and gets none either
  // way (on loopback, compressing for it would only cost CPU).
  if (fixed) app.use(compression());
  const ctx = { knex, fixed };
  // The demo's load is short, so a low hit rate is judged from 20 lookups instead of the default 100.
  const cache = instrumentCache(new Map<string, ScenarioResult>(), {
    audit,
    name: 'scenarios',
    minLookups: 20,
  });
  app.get('/api/brands', brands(ctx));
  app.get('/api/brands/:brandId/contributions', contributions(ctx));
  app.get('/api/brands/:brandId/media', mediaListing(ctx));
  app.get('/api/brands/:brandId/roi-curves', roiCurves(ctx));
  app.get('/api/brands/:brandId/scenarios', scenarios(ctx, cache));
  app.get('/api/brands/:brandId/model-runs', modelRuns(ctx));
  app.get('/api/media', mediaByWeek(ctx));
  // The dashboard's @perf/react agent sends raw numbers; decodeReactBeacon turns them into a report.
  app.post('/api/beacon', beaconHandler(audit, { limitBytes: 256 * 1024, decode: decodeReactBeacon }));
  if (webDir && existsSync(webDir)) app.use(express.static(webDir));
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: err.message });
  });
  return app;
}
