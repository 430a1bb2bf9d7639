import { writeSync } from 'node:fs';
import {
  type ConvergenceDiagnostics,
  formatMessage,
  PROTOCOL_FD_ENV,
  PROTOCOL_PREFIX,
  type ProtocolMessage,
} from './protocol.js';

/** Options of childReporter(). */
export interface ChildReporterOptions {
  /** Protocol fd; default from PERF_ML_FD. Without one, lines go to stdout behind '@perf-ml '. */
  fd?: number;
  /** Environment to read PERF_ML_FD / PERF_ML_DISABLE from. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** The Node-side twin of perf_ml.py: what a child job calls to report to runJob. */
export interface ChildReporter {
  /** True while messages are being written (false after PERF_ML_DISABLE or a broken fd). */
  readonly enabled: boolean;
  /** Times fn (sync or async) as a named phase. */
  phase<R>(name: string, fn: () => R): R;
  /** Starts a phase by hand; call the returned function to end it. */
  start(name: string): (ok?: boolean) => void;
  progress(done: number, total?: number): void;
  /** Items processed in `seconds`; runJob turns it into ml.batch.throughput (items per hour). */
  throughput(items: number, seconds: number): void;
  diagnostics(d: ConvergenceDiagnostics): void;
}

/**
 * Creates the reporter a Node child uses to speak the perf-ml protocol. Writes are synchronous, so no line
 * is lost when the child calls process.exit(), and a write error disables the reporter instead of crashing
 * the child.
 */
export function childReporter(options: ChildReporterOptions = {}): ChildReporter {
  const env = options.env ?? process.env;
  const fromEnv = Number(env[PROTOCOL_FD_ENV]);
  const fd = options.fd ?? (Number.isInteger(fromEnv) && fromEnv >= 3 ? fromEnv : undefined);
  let enabled = !env.PERF_ML_DISABLE;

  const send = (m: ProtocolMessage) => {
    if (!enabled) return;
    try {
      if (fd !== undefined) writeSync(fd, `${formatMessage(m)}\n`);
      else writeSync(1, `${PROTOCOL_PREFIX}${formatMessage(m)}\n`);
    } catch {
      enabled = false;
    }
  };

  const start = (name: string) => {
    const t0 = performance.now();
    send({ t: 'phase', event: 'start', name });
    let done = false;
    return (ok = true) => {
      if (done) return;
      done = true;
      send({ t: 'phase', event: 'end', name, ms: performance.now() - t0, ok });
    };
  };

  return {
    get enabled() {
      return enabled;
    },
    phase<R>(name: string, fn: () => R): R {
      const end = start(name);
      let result: R;
      try {
        result = fn();
      } catch (e) {
        end(false);
        throw e;
      }
      if (result instanceof Promise) {
        return result.then(
          (v) => {
            end(true);
            return v;
          },
          (e: unknown) => {
            end(false);
            throw e;
          },
        ) as R;
      }
      end(true);
      return result;
    },
    start,
    progress: (done, total) => send({ t: 'progress', done, ...(total !== undefined ? { total } : {}) }),
    throughput: (items, seconds) => send({ t: 'throughput', items, seconds }),
    diagnostics: (d) => send({ t: 'diagnostics', diagnostics: d }),
  };
}
