// Runs every vitest project and ends with one plain line, 'tests: N passed, N failed, N skipped', that CI and
// people read; the exit code is vitest's own (the worst of the passes).
//
// Two passes: everything else first, with files in parallel; then the CPU-contention tests
// (*.contention.test.ts) one file at a time. Those starve a child process of CPU on purpose and check what
// perf-audit makes of it, so the rest of the suite must not be competing for the same cores meanwhile (and
// they must not starve the rest). Arguments given to this script run one ordinary pass with them instead.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const CONTENTION = '**/*.contention.test.ts';
const userArgs = process.argv.slice(2);
const passes = userArgs.length
  ? [userArgs]
  : [
      ['--exclude', CONTENTION],
      ['--no-file-parallelism', '--passWithNoTests', 'contention.test'],
    ];

function run(args, out) {
  rmSync(out, { force: true });
  const vitestArgs = [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
    ...args,
  ];
  return new Promise((resolve) => {
    const child = spawn('npx', vitestArgs, { stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const totals = { passed: 0, failed: 0, skipped: 0, total: 0 };
let exitCode = 0;
let crashed = false;
for (const [i, args] of passes.entries()) {
  const out = `.vitest-results${i ? `-${i + 1}` : ''}.json`;
  const code = await run(args, out);
  if (code !== 0) exitCode = code;
  try {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
    totals.total += r.numTotalTests;
  } catch {
    crashed = true;
  }
}
let summary = `tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
if (crashed) summary = `tests: no results were written for a pass (vitest crashed?); ${summary}`;
else if (totals.total === 0) summary = 'tests: 0 passed, 0 failed (no test ran)';
console.log(`\n${summary}`);
process.exit(exitCode);
