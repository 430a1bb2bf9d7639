import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AuditReport } from '@perf/core';

/** The API running in its own process (as in production), so load generation never shares its event loop. */
export interface AppProcess {
  baseUrl: string;
  /** Asks the app to stop and hand over its audit report. */
  finish(): Promise<AuditReport>;
  kill(): void;
}

export async function startApp(env: Record<string, string>): Promise<AppProcess> {
  const entry = fileURLToPath(new URL('../api/serve.ts', import.meta.url));
  const child: ChildProcess = fork(entry, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, PORT: '0' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the app exited with code ${code} before listening`));
    child.once('exit', onExit);
    child.on('message', (m: { type?: string; port?: number }) => {
      if (m.type === 'ready' && m.port) {
        child.off('exit', onExit);
        resolve(m.port);
      }
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    finish: () =>
      new Promise<AuditReport>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error('the app did not hand over its report within 30 s'));
        }, 30_000);
        child.on('message', (m: { type?: string; report?: AuditReport }) => {
          if (m.type === 'report' && m.report) {
            clearTimeout(timer);
            resolve(m.report);
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`the app exited (code ${code}) without a report`));
        });
        child.send({ type: 'finish' });
      }),
    kill: () => child.kill('SIGKILL'),
  };
}
