// The smallest real audit, with @perf/core alone: serve a JSON endpoint, send it 400 requests, record each
// request's latency, check the audit's backend latency target and write the report in three formats.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import {
  consoleReporter,
  createAudit,
  defineBudgets,
  jsonReporter,
  markdownReporter,
  seedBudgets,
} from '@perf/core';

const audit = createAudit({
  subject: { name: 'quickstart', environment: 'local' },
  budgets: defineBudgets(seedBudgets.backend, { 'http.server.request.duration': 'p95 < 200ms' }),
});

const channels = Array.from({ length: 2000 }, (_, i) => ({
  id: i,
  spend: (i * 37) % 1000,
  revenue: (i * 91) % 5000,
}));
const server = createServer((req, res) => {
  const start = performance.now();
  const route = req.url?.startsWith('/api/roi') ? '/api/roi' : '/api/channels';
  // /api/roi does real work per request (sorting and summing), so its latency differs from the listing's.
  const body =
    route === '/api/roi'
      ? [...channels].sort((a, b) => b.revenue / (b.spend + 1) - a.revenue / (a.spend + 1)).slice(0, 10)
      : channels.slice(0, 50);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
  res.on('finish', () => {
    const attrs = {
      'http.request.method': req.method ?? 'GET',
      'http.route': route,
      'http.status_class': `${String(res.statusCode)[0]}xx`,
    };
    audit.histogram('http.server.request.duration', attrs).record(performance.now() - start);
    audit.counter('http.server.requests', attrs).add();
  });
});

await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const requests = [];
for (let i = 0; i < 400; i++) {
  const res = await fetch(`http://127.0.0.1:${port}${i % 2 ? '/api/roi' : '/api/channels'}`);
  await res.arrayBuffer();
  requests.push(res.status);
}
server.close();
const errors = requests.filter((status) => status >= 500).length;
audit.gauge('http.server.error_rate', { 'http.status_class': '5xx' }).set(errors / requests.length);

const report = audit.report();
mkdirSync('perf-audit-report', { recursive: true });
writeFileSync('perf-audit-report/report.json', jsonReporter.render(report));
writeFileSync('perf-audit-report/report.md', markdownReporter.render(report));
process.stdout.write(consoleReporter.render(report));
console.log('\nwrote perf-audit-report/report.json and report.md');
