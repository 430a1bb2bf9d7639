import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireService } from '../../../test-support/services.js';

/** A throwaway MariaDB server (performance_schema ON unless asked otherwise), in its own datadir on a free port. */
export interface PrivateMariadb {
  port: number;
  stop(): Promise<void>;
}

const first = (paths: string[]) => paths.find((p) => existsSync(p));
const installDb = () => first(['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db']);
const serverBin = () => first(['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/bin/mariadbd']);

/** Whether the binaries exist; missing: skip with a message, or fail under CI=true (requireService's rule). */
export function privateMariadbAvailable(): Promise<boolean> {
  return requireService(
    'a private MariaDB server (mariadb-install-db + mariadbd)',
    async () => {
      if (!installDb()) throw new Error('no mariadb-install-db or mysql_install_db in /usr/bin');
      if (!serverBin()) throw new Error('no mariadbd or mysqld in /usr/sbin');
    },
    'apt-get install -y mariadb-server',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Initializes a datadir and starts mariadbd on it; `stop` sends SIGTERM, waits for exit and deletes the dir.
 * `performanceSchema: false` starts it the way MariaDB ships (performance_schema OFF).
 */
export async function startPrivateMariadb(
  options: { performanceSchema?: boolean } = {},
): Promise<PrivateMariadb> {
  const ps = options.performanceSchema ?? true;
  const dir = mkdtempSync(join(tmpdir(), 'perf-db-mariadb-'));
  const datadir = join(dir, 'data');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', killOnExit);
    cleanup();
  };
  try {
    await promisify(execFile)(installDb()!, [
      '--no-defaults',
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      `--datadir=${datadir}`,
    ]);
    const port = await freePort();
    let log = '';
    child = spawn(
      serverBin()!,
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        `--socket=${join(dir, 's.sock')}`,
        `--pid-file=${join(dir, 'server.pid')}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        ...(ps
          ? ['--performance-schema=ON', '--performance-schema-consumer-statements-digest=ON']
          : ['--performance-schema=OFF']),
        '--skip-grant-tables',
        '--innodb-buffer-pool-size=32M',
        '--user=root',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (b: Buffer) => {
      log = (log + b.toString()).slice(-4000);
    });
    const c = child;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    const deadline = Date.now() + 20_000;
    while (!(await canConnect(port))) {
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`mariadbd exited:\n${log}`);
      if (Date.now() > deadline) throw new Error(`mariadbd did not listen on ${port} in 20 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { port, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
