// Runs every vitest project once and ends with one plain line, 'tests: N passed, N failed, N skipped', that CI
// and people read; the exit code is vitest's own.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const out = '.vitest-results.json';
rmSync(out, { force: true });
const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}`,
  ...process.argv.slice(2),
];
const child = spawn('npx', args, { stdio: 'inherit' });
child.on('exit', (code, signal) => {
  let summary = 'tests: no results were written (vitest crashed?)';
  try {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    const skipped = r.numPendingTests + r.numTodoTests;
    summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`;
    if (r.numTotalTests === 0) summary = 'tests: 0 passed, 0 failed (no test ran)';
  } catch {}
  console.log(`\n${summary}`);
  process.exit(code ?? (signal ? 1 : 0));
});
