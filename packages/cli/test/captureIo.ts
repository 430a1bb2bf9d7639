import type { Io } from '../src/index.js';

/** An Io that keeps what the CLI writes, for assertions. */
export function capture(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    out: (s: string) => {
      io.stdout += s;
    },
    err: (s: string) => {
      io.stderr += s;
    },
  };
  return io;
}
