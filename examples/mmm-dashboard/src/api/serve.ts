// The app as its own process, as it runs in production: the demo forks it, drives load at it and, over IPC,
// asks for its audit report at the end. Run alone (`pnpm serve`) it listens on PORT (default 3000).
import type { AddressInfo } from 'node:net';
import { allSeedBudgets, createAudit } from '@perf/core';
import { knexPerf } from '@perf/db';
import { nodeRuntime } from '@perf/node';
import { connect } from '../db/connect.js';
import { createApp } from './app.js';

const fixed = process.env.MMM_FIXED === '1';
const audit = createAudit({
  subject: { name: 'mmm-dashboard', version: '1.0.0', environment: fixed ? 'demo (fixed)' : 'demo' },
  budgets: allSeedBudgets,
});
const profileDir = process.env.MMM_PROFILE_DIR;
// On a blocked event loop or CPU saturation, a .cpuprofile of the next seconds is saved as evidence.
// stallCheckMs: every stall is timed and named on its own. The default reports the longest stall per window
// with the requests that lasted through it, so a longer stall with no request in flight (start-up, a model
// fit) in the same window hid the ROI route's one on a slow machine.
audit.use(
  nodeRuntime({
    stallCheckMs: 25,
    ...(profileDir ? { cpuProfile: { dir: profileDir, durationMs: 2000, maxProfiles: 2 } } : {}),
  }),
);
const knex = connect();
const dbPerf = knexPerf(knex, { audit });
const app = createApp({ knex, audit, fixed, webDir: process.env.MMM_WEB_DIR });
const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  if (process.send) process.send({ type: 'ready', port });
  else console.log(`MMM dashboard on http://127.0.0.1:${port}/`);
});

async function finish(): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await dbPerf.flush?.();
  const report = audit.report();
  await dbPerf.close();
  await audit.close();
  await knex.destroy();
  if (process.send) process.send({ type: 'report', report }, () => process.exit(0));
  else process.exit(0);
}

process.on('message', (m: { type?: string }) => {
  if (m?.type === 'finish') void finish();
});
process.on('SIGTERM', () => void finish());
