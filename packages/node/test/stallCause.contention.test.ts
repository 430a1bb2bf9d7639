// Stall causes on real processes: a server starved of CPU by host contention (busy loops on its core) and by
// a cgroup CPU quota, and routes that block on the CPU or asleep in a blocking call. Linux only (schedstat).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AuditReport, type Finding, parseReport } from '@perf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contend, makeCpuCgroup } from '../../../test-support/cpuContention.js';
import { bundleFixture } from '../../../test-support/fixtureBundle.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

const linux = process.platform === 'linux';
if (!linux) console.warn('\n[perf-audit tests] SKIPPING the stall-cause suite: it needs Linux schedstat\n');

let bundle: Awaited<ReturnType<typeof bundleFixture>> | undefined;
beforeAll(async () => {
  if (linux) bundle = await bundleFixture(PACKAGE_DIR, 'stallCauseChild');
});
afterAll(() => bundle?.remove());

interface Server {
  base: string;
  pid: number;
  proc: ChildProcess;
}

/** Starts the server; inside `cgroupDir` from its first instruction when given (as in a container). */
async function startServer(cgroupDir?: string): Promise<Server> {
  const proc = cgroupDir
    ? spawn(
        'sh',
        ['-c', `echo $$ > ${cgroupDir}/cgroup.procs && exec "$0" "$1"`, process.execPath, bundle!.path],
        {
          cwd: PACKAGE_DIR,
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      )
    : spawn(process.execPath, [bundle!.path], { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    proc.on('exit', (code) => reject(new Error(`server exited early (${code})`)));
  });
  return { base: `http://127.0.0.1:${port}`, pid: proc.pid!, proc };
}

/** Fetches the report, then closes the server and waits for it to exit by itself. */
async function finish(s: Server): Promise<AuditReport> {
  const report = parseReport(await (await fetch(`${s.base}/report`)).json());
  const exited = new Promise<void>((resolve) => s.proc.on('exit', () => resolve()));
  await fetch(`${s.base}/close`).catch(() => undefined);
  const killer = setTimeout(() => s.proc.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
  return report;
}

/** Bounded load: `connections` clients each calling `path` back to back for `ms`. */
async function drive(base: string, path: string, ms: number, connections = 8): Promise<number> {
  const end = performance.now() + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const r = await fetch(`${base}${path}`);
        await r.arrayBuffer();
        done++;
      }
    }),
  );
  return done;
}

const rulesOf = (r: AuditReport) => r.findings.map((f) => f.rule).sort();
const describeFindings = (r: AuditReport) =>
  r.findings.map((f) => `${f.rule} [${f.key}]: ${f.title} ${JSON.stringify(f.evidence.details)}`).join('\n');
const one = (r: AuditReport, rule: string): Finding => {
  const found = r.findings.filter((f) => f.rule === rule);
  expect(found.length, describeFindings(r)).toBeGreaterThanOrEqual(1);
  return found[0]!;
};

// Sequential: each test starves or blocks one server, and its neighbours must not be the cause.
describe.runIf(linux)('stall cause from the thread scheduler numbers (real processes)', () => {
  it('host contention (4 busy loops on its core) is node.cpu-starved (contended), never event-loop-blocked', async () => {
    const s = await startServer();
    const busy = contend(s.pid, 20);
    if (!busy) {
      await finish(s);
      return;
    }
    try {
      await new Promise((r) => setTimeout(r, 300));
      const served = await drive(s.base, '/fast', 4000);
      expect(served).toBeGreaterThan(20);
    } finally {
      busy.stop();
    }
    const r = await finish(s);
    expect(rulesOf(r), describeFindings(r)).not.toContain('node.event-loop-blocked');
    expect(rulesOf(r)).not.toContain('node.event-loop-off-cpu');
    const f = one(r, 'node.cpu-starved');
    expect(f.key).toBe('contended');
    expect(f.evidence.details?.waitShare as number).toBeGreaterThan(0.2);
    expect(f.message).toMatch(/other work on the host/);
    // Its impact: the wait's share of wall time, the wait itself as the saving.
    expect(f.impact).toMatchObject({ of: 'wall time' });
    expect(f.impact?.share).toBeCloseTo(Math.min(1, f.evidence.details?.waitShare as number), 5);
    expect(f.impact?.savingMs).toBeCloseTo(f.evidence.details?.waitMs as number, 5);
    const starvation = r.metrics.find((m) => m.name === 'process.cpu.starvation');
    expect(starvation?.kind === 'gauge' && starvation.max).toBeGreaterThan(0.3);
  });

  it('a cgroup CPU quota (0.1 CPU) is node.cpu-starved (throttled), never event-loop-blocked', async () => {
    const group = makeCpuCgroup('perf-audit-quota', {
      'cpu.cfs_period_us': 100_000,
      'cpu.cfs_quota_us': 10_000,
    });
    if (!group) return;
    try {
      const s = await startServer(group.dir);
      await drive(s.base, '/fast', 4000);
      const r = await finish(s);
      expect(rulesOf(r), describeFindings(r)).not.toContain('node.event-loop-blocked');
      const f = one(r, 'node.cpu-starved');
      expect(f.key).toBe('throttled');
      expect(f.evidence.details?.throttledMs as number).toBeGreaterThan(0);
      expect(f.title).toMatch(/cgroup CPU limit/);
      expect(f.evidence.details?.cpuQuota).toBeCloseTo(0.1);
      expect(r.runtime.cpus).toBeCloseTo(0.1);
    } finally {
      group.remove();
    }
  });

  it('a synchronous CPU loop in a route is event-loop-blocked (cpu), on a quiet core and on a contended one', async () => {
    const s = await startServer();
    await fetch(`${s.base}/block?ms=300`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 300));
    const busy = contend(s.pid, 20);
    try {
      if (busy) await new Promise((r) => setTimeout(r, 300));
      // 400 ms of CPU: even at a fifth of a core it is a block on its own, whatever the wait around it.
      await fetch(`${s.base}/block?ms=400`).then((r) => r.text());
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      busy?.stop();
    }
    const r = await finish(s);
    const f = one(r, 'node.event-loop-blocked');
    expect(f.key).toBe('cpu GET /block');
    expect(f.evidence.details?.cause).toBe('cpu');
    expect(f.occurrences, describeFindings(r)).toBeGreaterThanOrEqual(busy ? 2 : 1);
    expect(f.evidence.details?.onCpuMs as number).toBeGreaterThan(250);
    const stalls = r.metrics.filter(
      (m) =>
        m.name === 'nodejs.eventloop.stall.duration' &&
        m.attributes['nodejs.eventloop.stall.cause'] === 'cpu',
    );
    expect(stalls.length).toBe(1);
  });

  it('one finding per cause and blocking route: the routes each stall held up are evidence, not keys', async () => {
    const s = await startServer();
    // Three blocks of /block and two of /hash, each while a different mix of /wait requests is in flight. Each
    // is 200 ms of CPU: a stall of at least threshold + one timer period (150 ms) is always seen whole.
    const waits: Promise<string>[] = [];
    const wait = (ms: number) => waits.push(fetch(`${s.base}/wait?ms=${ms}`).then((r) => r.text()));
    // The first /block runs alone, so its route is certain; the later ones hold /wait requests too and join it.
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < i * (i + 1); j++) wait(1500);
      await new Promise((r) => setTimeout(r, 50));
      await fetch(`${s.base}/block?ms=200`).then((r) => r.text());
      await new Promise((r) => setTimeout(r, 100));
    }
    // The /hash blocks run alone once the waits are done: their route is certain too.
    await Promise.all(waits);
    for (let i = 0; i < 2; i++) {
      await fetch(`${s.base}/hash?ms=200`).then((r) => r.text());
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await finish(s);
    const blocked = r.findings.filter((f) => f.rule === 'node.event-loop-blocked');
    expect(blocked.map((f) => f.key).sort(), describeFindings(r)).toEqual([
      'cpu GET /block',
      'cpu GET /hash',
    ]);
    const block = blocked.find((f) => f.key === 'cpu GET /block')!;
    const d = block.evidence.details as Record<string, unknown>;
    expect(block.occurrences).toBe(3);
    expect(d.stalls).toBe(3);
    expect(d.blockingRoute).toBe('GET /block');
    expect(d.stallMs as number).toBeGreaterThan(100);
    expect(d.totalStallMs as number).toBeGreaterThan(300);
    // Every /wait in flight was held up (each lasts 1.5 s, so they pile up: 0, then 2, then 2 + 6).
    expect(d.routesHit).toEqual({ 'GET /block': 3, 'GET /wait': 10 });
    expect(block.evidence.attributes).toEqual({ 'http.request.method': 'GET', 'http.route': '/block' });
    expect(block.title).toMatch(
      /^Event loop blocked 3 times \(longest \d+ ms, \d+ ms in all\) in GET \/block$/,
    );
    // Its impact: the waits and blocks it held up as a share of those routes' request time.
    expect(block.impact?.of).toBe('request time');
    expect(block.impact?.savingMs).toBeCloseTo(d.totalStallMs as number);
    expect(block.impact?.share as number).toBeGreaterThan(0.1);
    expect(block.impact?.basis).toMatch(/ms inside the stalls, of the \d+ ms those routes/);
    const hash = blocked.find((f) => f.key === 'cpu GET /hash')!;
    expect(hash.occurrences).toBe(2);
    expect(hash.evidence.details?.routesHit).toEqual({ 'GET /hash': 2 });
    expect(hash.evidence.details?.blockingRoute).toBe('GET /hash');
  });

  it('Atomics.wait and a sync read of a FIFO are node.event-loop-off-cpu, not blocked or starved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-fifo-'));
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const s = await startServer();
    try {
      await fetch(`${s.base}/atomics`).then((r) => r.text());
      const read = fetch(`${s.base}/fifo?path=${encodeURIComponent(fifo)}`).then((r) => r.text());
      await new Promise((r) => setTimeout(r, 300));
      // The server is stuck in read(2): this process writes, which ends the block.
      writeFileSync(fifo, 'written');
      expect(await read).toBe('written');
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const r = await finish(s);
    expect(rulesOf(r), describeFindings(r)).not.toContain('node.event-loop-blocked');
    expect(rulesOf(r)).not.toContain('node.cpu-starved');
    const keys = r.findings
      .filter((f) => f.rule === 'node.event-loop-off-cpu')
      .map((f) => f.key)
      .sort();
    expect(keys, describeFindings(r)).toEqual(['off-cpu GET /atomics', 'off-cpu GET /fifo']);
    for (const f of r.findings) expect(f.evidence.details?.offCpuMs as number).toBeGreaterThan(150);
  });
});
