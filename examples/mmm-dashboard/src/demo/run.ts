// `pnpm demo`: seeds the MMM database, runs the model jobs, builds the dashboard, starts the API in its own
// process, drives the audit's load scenarios and a real browser at it, then merges every report and writes
// perf-audit-report/report.{json,md,html} with a console summary.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type AuditReport,
  allSeedBudgets,
  applyBudgets,
  consoleReporter,
  createAudit,
  diffReports,
  htmlReporter,
  jsonReporter,
  markdownReporter,
  mergeReports,
  parseReport,
} from '@perf/core';
import { measureBundle } from '@perf/react/bundle';
import { connect, DEFAULT_SQLITE } from '../db/connect.js';
import { createSchema } from '../db/schema.js';
import { seed } from '../db/seed.js';
import { buildDashboard } from '../web/build.js';
import { startApp } from './appProcess.js';
import { CHROMIUM, hasChromium, visitDashboard } from './browser.js';
import { runLoad, scenarios } from './load.js';
import { runModelJobs } from './modelJobs.js';
import { DemoUsageError, parseDemoArgs } from './options.js';
import { progress } from './progress.js';

const opts = (() => {
  try {
    return parseDemoArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof DemoUsageError)) throw err;
    console.error(`perf-audit demo: ${err.message}`);
    process.exit(2);
  }
})();
// Relative to where `pnpm demo` was typed (pnpm runs the script in this package but sets INIT_CWD).
const out = resolve(process.env.INIT_CWD ?? process.cwd(), opts.outDir);
mkdirSync(out, { recursive: true });
const browser = !opts.noBrowser && hasChromium();
const steps = progress(7);
const mode = opts.fixed ? 'fixed' : 'unfixed';
console.error(
  `perf-audit demo: the MMM dashboard, ${mode}, on ${process.env.DATABASE_URL ? process.env.DATABASE_URL.split(':')[0] : `SQLite (${DEFAULT_SQLITE})`}`,
);

// The demo's own audit: ML jobs and bundle size are measured here; the API's audit comes from its process.
const audit = createAudit({
  subject: { name: 'mmm-dashboard', version: '1.0.0', environment: `demo (${mode})` },
});

const knex = connect();
try {
  await steps.run(
    'seeding the MMM database',
    async () => {
      await createSchema(knex, opts.fixed);
      return seed(knex, { brands: 8, weeks: 104 });
    },
    (r) => `${r.mediaRows.toLocaleString('en-US')} weekly media rows`,
  );
  await steps.run(
    'fitting the media-mix model and scoring budget scenarios',
    () => runModelJobs(knex, audit, { brands: opts.quick ? 3 : 8, scenarios: opts.quick ? 2000 : 10_000 }),
    (r) =>
      `${r.fits.length} fits, r² ${r.fits.map((f) => f.r2.toFixed(2)).join(' ')}; ${r.scenarios.items - r.scenarios.failed} scenarios`,
  );
} finally {
  await knex.destroy();
}

const webDir = await steps.run(
  'building the dashboard (vite)',
  () => buildDashboard(),
  (d) => d,
);
await steps.run(
  'measuring the bundle',
  async () => measureBundle(webDir, { audit }),
  (b) => `${(b.total.gzip / 1024).toFixed(1)} KiB gzip`,
);

const app = await startApp({ MMM_FIXED: opts.fixed ? '1' : '0', MMM_WEB_DIR: webDir, MMM_PROFILE_DIR: out });
let appReport: AuditReport;
try {
  await steps.run(
    'load: normal, peak, spike, stress' + (opts.endurance ? ', endurance' : ''),
    async () => {
      const results = [];
      for (const s of scenarios({ quick: opts.quick, endurance: opts.endurance })) {
        const r = await runLoad(app.baseUrl, s);
        steps.note(
          `${s.name.padEnd(9)} ${String(s.connections).padStart(3)} connections ${s.durationSec}s: ${r.requests} requests, ${Math.round(r.rps)} req/s, p99 ${r.p99} ms, non-2xx ${r.non2xx}`,
        );
        results.push(r);
      }
      return results;
    },
    (rs) => `${rs.reduce((s, r) => s + r.requests, 0)} requests`,
  );
  if (browser) {
    await steps.run(
      'loading the dashboard in headless Chromium',
      () => visitDashboard(app.baseUrl, opts.fixed, out),
      (r) => `screenshot ${r.screenshots[0] ?? 'none'}`,
    );
  } else {
    await steps.run(
      'browser step',
      async () => {
        audit.finding({
          rule: 'frontend.not-measured',
          key: 'no-browser',
          area: 'frontend',
          severity: 'info',
          title: opts.noBrowser
            ? 'Web vitals not measured: the browser step was skipped (--no-browser)'
            : `Web vitals not measured: no Chromium at ${CHROMIUM}`,
          recommendation:
            "Install Debian's Chromium (apt-get install -y chromium) or set CHROMIUM_PATH, then run the demo again to measure LCP, INP, CLS, FCP and TTFB.",
          how: { method: 'static', source: 'demo runner: checked for a Chromium executable' },
        });
        return 'skipped';
      },
      () => (opts.noBrowser ? '--no-browser' : `no Chromium at ${CHROMIUM}: apt-get install -y chromium`),
    );
  }
  appReport = await steps.run("collecting the API's audit report", () => app.finish());
} catch (err) {
  app.kill();
  throw err;
}

rmSync(webDir, { recursive: true, force: true });
const merged = applyBudgets(mergeReports([parseReport(appReport), audit.report()]), allSeedBudgets);
writeFileSync(join(out, 'report.json'), jsonReporter.render(merged));
writeFileSync(join(out, 'report.md'), markdownReporter.render(merged));
writeFileSync(join(out, 'report.html'), htmlReporter.render(merged));
writeFileSync(join(out, `${mode}.json`), jsonReporter.render(merged));
process.stdout.write(`\n${consoleReporter.render(merged, { topFindings: 10 })}`);
console.log(
  `\nReport: ${join(out, 'report.html')} (also report.md, report.json) — ${steps.elapsed()} in all`,
);

const other = join(out, opts.fixed ? 'unfixed.json' : 'fixed.json');
if (existsSync(other)) {
  const previous = parseReport(JSON.parse(readFileSync(other, 'utf8')));
  const [base, head] = opts.fixed ? [previous, merged] : [merged, previous];
  const gains = diffReports(base, head).changes.filter(
    (c) => c.name === 'http.server.request.duration' && c.statistic === 'p95' && c.verdict !== 'unchanged',
  );
  console.log(
    `\nunfixed -> fixed, p95 per series (perf-audit diff ${join(out, 'unfixed.json')} ${join(out, 'fixed.json')}):`,
  );
  for (const g of gains)
    console.log(
      `  ${g.series.padEnd(48)} ${g.base.toFixed(1)} ms -> ${g.head.toFixed(1)} ms (${(g.relative * 100).toFixed(0)}%)`,
    );
} else if (!opts.fixed) {
  console.log(
    'Run `pnpm demo --fixed` to audit the same app with its problems fixed and see the difference.',
  );
}
