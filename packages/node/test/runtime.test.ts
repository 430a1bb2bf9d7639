import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AuditReport, parseReport } from '@perf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFixture } from '../../../test-support/fixtureBundle.js';

const PKG = fileURLToPath(new URL('..', import.meta.url));

const profileDir = mkdtempSync(join(tmpdir(), 'perf-node-prof-'));
let child: Awaited<ReturnType<typeof bundleFixture>> | undefined;
let CHILD = '';

beforeAll(async () => {
  child = await bundleFixture(PKG, 'runtimeChild');
  CHILD = child.path;
});
afterAll(() => {
  rmSync(profileDir, { recursive: true, force: true });
  child?.remove();
});

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  report: AuditReport;
  stalls: { count: number; totalMs: number; maxMs: number };
  stderr: string;
}

/**
 * Runs one scenario in a child process. The child never calls process.exit: if audit.close() left a timer,
 * observer or monitor behind, it would not exit and the kill below fails the test.
 */
function runChild(mode: string, ...args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', CHILD, mode, ...args], {
      cwd: PKG,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      try {
        const line = out.trim().split('\n').pop() ?? '';
        const parsed = JSON.parse(line) as Omit<ChildResult, 'code' | 'signal' | 'stderr'>;
        resolve({ ...parsed, report: parseReport(parsed.report), code, signal, stderr: err });
      } catch (e) {
        reject(
          new Error(`child ${mode} printed no report (code ${code}, signal ${signal}): ${err}\n${out}\n${e}`),
        );
      }
    });
  });
}

const rules = (r: ChildResult) => r.report.findings.map((f) => f.rule).sort();
/** The findings' titles, printed when an assertion on the rules fails. */
const titles = (r: ChildResult) => r.report.findings.map((f) => `${f.rule}: ${f.title}`).join('; ');

// Sequential: a starved child would measure its neighbours, not itself.
describe('runtime collector in real child processes', () => {
  it('a healthy loop produces metrics and no finding, and the process exits by itself after close()', async () => {
    const r = await runChild('healthy');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(rules(r), titles(r)).toEqual([]);
    const names = new Set(r.report.metrics.map((m) => m.name));
    for (const n of [
      'nodejs.eventloop.delay',
      'nodejs.eventloop.utilization',
      'v8js.gc.time_per_second',
      'v8js.memory.heap.used',
      'v8js.memory.heap.limit',
      'v8js.memory.detached_contexts',
      'process.memory.usage',
      'process.memory.utilization',
      'process.cpu.utilization',
    ]) {
      expect(names).toContain(n);
    }
    const elu = r.report.metrics.find((m) => m.name === 'nodejs.eventloop.utilization');
    expect(elu?.kind === 'gauge' && elu.samples).toBeGreaterThan(1);
    expect(elu?.kind === 'gauge' && elu.max).toBeLessThanOrEqual(1);
    expect(r.report.runtime.memoryLimitSource).toMatch(/^(cgroup|total-memory)$/);
    expect(r.report.runtime.memoryLimitBytes).toBeGreaterThan(0);
    expect(r.report.runtime.cpus).toBeGreaterThan(0);
  });

  it('window mode (stallCheckMs: 0): a 300 ms busy-wait in a handler is node.event-loop-blocked naming the route, with a .cpuprofile', async () => {
    const r = await runChild('blocked', profileDir);
    expect(r.code).toBe(0);
    expect(rules(r), titles(r)).toEqual(['node.event-loop-blocked']);
    const f = r.report.findings[0]!;
    // One finding per cause and blocking route; the route is the only one that lasted through the stall.
    expect(f.key).toMatch(/^(cpu|unknown) GET \/block\/:id$/);
    expect(f.evidence.details?.routesHit).toEqual({ 'GET /block/:id': 1 });
    expect(f.evidence.details?.blockingRoute).toBe('GET /block/:id');
    expect(f.impact?.savingMs as number).toBeGreaterThan(150);
    expect(f.how.method).toBe('sampled');
    expect(f.recommendation).toMatch(/worker threads/);
    expect(r.stalls.count).toBe(1);
    // The delay histogram saw the stall too (resolution subtracted, so below the raw ~310 ms reading).
    const eld = r.report.metrics.find((m) => m.name === 'nodejs.eventloop.delay');
    expect(eld?.kind === 'histogram' && eld.max).toBeGreaterThanOrEqual(150);
    const artifact = f.evidence.artifacts?.[0];
    expect(artifact && existsSync(artifact)).toBe(true);
    const profile = JSON.parse(readFileSync(artifact!, 'utf8')) as {
      nodes: { callFrame: { functionName: string } }[];
    };
    expect(profile.nodes.length).toBeGreaterThan(1);
  });

  it('by default each stall is timed by the stall timer, names the route and is split by cause (cpu)', async () => {
    const r = await runChild('blocked-drift');
    expect(r.code).toBe(0);
    expect(rules(r), titles(r)).toEqual(['node.event-loop-blocked']);
    const f = r.report.findings[0]!;
    expect(f.key).toBe(`${process.platform === 'linux' ? 'cpu' : 'unknown'} GET /block/:id`);
    expect(f.how.source).toMatch(/setInterval drift/);
    expect(f.title).toMatch(/^Event loop blocked for \d+ ms in GET \/block\/:id$/);
    expect(f.message).toMatch(/^A \d+ ms stall \(threshold \d+ ms\): no other request/);
    expect(f.message).toMatch(/GET \/block\/:id was in flight through it/);
    if (process.platform === 'linux') {
      expect(f.evidence.details?.cause).toBe('cpu');
      expect(f.evidence.details?.onCpuMs as number).toBeGreaterThan(100);
    }
    expect(r.stalls.count).toBe(1);
  });

  it('a GC-heavy loop is node.gc-pressure, with every pause in the histogram by kind', async () => {
    const r = await runChild('gc');
    expect(r.code).toBe(0);
    expect(rules(r), titles(r)).toEqual(['node.gc-pressure']);
    const major = r.report.metrics.find(
      (m) => m.name === 'v8js.gc.duration' && m.attributes['v8js.gc.type'] === 'major',
    );
    // One forced full GC per ~20 ms sleep for 2 s: every one of them is in the histogram.
    expect(major?.kind === 'histogram' && major.count).toBeGreaterThan(10);
  });

  it('steady retention of memory is node.memory-leak with its rate; the same loop without retention is not', async () => {
    const [leak, steady] = await Promise.all([runChild('leak'), runChild('steady')]);
    expect(leak.code).toBe(0);
    expect(steady.code).toBe(0);
    expect(rules(leak), titles(leak)).toEqual(['node.memory-leak']);
    expect(rules(steady), titles(steady)).toEqual([]);
    const details = leak.report.findings[0]!.evidence.details!;
    // 4 x 16384 doubles (~512 KiB) retained every ~80 ms is several hundred MB/min.
    expect(details.rateMbPerMinute as number).toBeGreaterThan(50);
    expect(details.pValue as number).toBeLessThan(0.01);
  });

  it('sustained CPU over the available CPU is node.cpu-saturation', async () => {
    const r = await runChild('cpu');
    expect(r.code).toBe(0);
    expect(rules(r), titles(r)).toEqual(['node.cpu-saturation']);
    // A quarter-CPU quota (as a 250m container limit): the busy child uses far more than 70% of it.
    expect(r.report.runtime.cpus).toBe(0.25);
  });

  it('RSS over 80% of the memory limit is node.memory-pressure, naming the denominator', async () => {
    const r = await runChild('pressure');
    expect(r.code).toBe(0);
    expect(rules(r), titles(r)).toEqual(['node.memory-pressure']);
    expect(r.report.findings[0]!.evidence.details?.limitSource).toBe('configured');
  });
});
