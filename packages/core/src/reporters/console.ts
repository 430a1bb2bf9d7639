import { compareByImpact, fixFirst } from '../report/fixFirst.js';
import { formatSeries, formatValue } from '../report/format.js';
import type { AuditReport, Severity, Status } from '../schema/index.js';
import type { RenderOptions, Reporter } from './reporter.js';

const COLORS = { red: 31, green: 32, yellow: 33, gray: 90, bold: 1 } as const;
type Color = keyof typeof COLORS;

// Terminal control characters from app strings must not reach the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

function render(r: AuditReport, options: RenderOptions = {}): string {
  const useColor =
    options.color ??
    Boolean((globalThis as { process?: { stdout?: { isTTY?: boolean } } }).process?.stdout?.isTTY);
  const paint = (c: Color, s: string) => (useColor ? `\u001b[${COLORS[c]}m${s}\u001b[0m` : s);
  const severity = (s: Severity) =>
    s === 'critical'
      ? paint('red', 'critical')
      : s === 'warning'
        ? paint('yellow', 'warning ')
        : paint('gray', 'info    ');
  const status = (s: Status) =>
    s === 'pass' ? paint('green', 'PASS') : s === 'fail' ? paint('red', 'FAIL') : paint('yellow', 'NO DATA');
  const lines: string[] = [];
  lines.push(
    paint(
      'bold',
      `perf-audit: ${clean(r.subject.name)}  ${status(r.summary.status)}  (${formatValue(r.durationMs, 'ms')})`,
    ),
  );
  const reasons = r.summary.reasons ?? [];
  for (const reason of reasons.slice(0, 5))
    lines.push(`  ${r.summary.status === 'fail' ? 'failed' : 'why'}: ${clean(reason)}`);
  if (reasons.length > 5)
    lines.push(`  … ${reasons.length - 5} more reasons (see the report's summary.reasons)`);
  const first = fixFirst(r);
  lines.push('', paint('bold', 'Fix first'));
  if (first.length === 0) lines.push('  nothing to fix first: no findings');
  for (const { rank, finding: f, where, gain } of first) {
    lines.push(
      `  ${rank}. ${severity(f.severity)} ${clean(f.title)}  ${paint('gray', `${f.rule} ×${f.occurrences}`)}`,
    );
    if (where) lines.push(`     where: ${clean(where)}`);
    lines.push(`     gain:  ${clean(gain)}`);
    lines.push(`     fix:   ${clean(f.recommendation)}`);
  }
  lines.push('');
  const areas = Object.entries(r.summary.areas).filter(
    ([, s]) => s.metrics > 0 || s.budgets.pass + s.budgets.fail + s.budgets.noData > 0,
  );
  for (const [area, s] of areas) {
    const f = s.findings;
    lines.push(
      `  ${area.padEnd(9)} ${status(s.status).padEnd(useColor ? 16 : 7)} budgets ${s.budgets.pass}✓ ${s.budgets.fail}✗ ${s.budgets.noData}? · findings ${f.critical} critical, ${f.warning} warning · ${s.metrics} metrics`,
    );
  }
  if (r.budgets.length) {
    lines.push('', paint('bold', 'Budgets'));
    const rows = r.budgets.map((b) => [
      status(b.status),
      clean(b.metric),
      clean(formatSeries(b.attributes ?? b.where)),
      b.expression,
      b.status === 'no-data' ? clean(b.reason ?? '') : formatValue(b.observed, b.unit, b.metric),
    ]);
    const widths = [0, 1, 2, 3].map((i) => Math.min(48, Math.max(...rows.map((row) => row[i]!.length))));
    for (const row of rows)
      lines.push(
        `  ${row
          .slice(0, 4)
          .map((c, i) => c.slice(0, 60).padEnd(widths[i]!))
          .join('  ')}  ${row[4]}`,
      );
  }
  const top = [...r.findings].sort(compareByImpact).slice(0, options.topFindings ?? 5);
  if (top.length) {
    lines.push('', paint('bold', `Top findings (${r.findings.length})`));
    for (const f of top) {
      lines.push(`  ${severity(f.severity)} ${f.rule}  ${clean(f.title)} ×${f.occurrences}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A compact table for terminals, coloured when stdout is a TTY. */
export const consoleReporter: Reporter = { name: 'console', extension: 'txt', render };
