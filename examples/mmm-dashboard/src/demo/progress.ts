/** Step-by-step progress on stderr, so stdout stays the summary. */
export function progress(total: number) {
  const started = performance.now();
  let step = 0;
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  return {
    async run<T>(label: string, fn: () => Promise<T>, describe?: (r: T) => string): Promise<T> {
      step++;
      const t0 = performance.now();
      process.stderr.write(`[${step}/${total}] ${label}…`);
      try {
        const r = await fn();
        process.stderr.write(
          ` done in ${secs(performance.now() - t0)}${describe ? ` (${describe(r)})` : ''}\n`,
        );
        return r;
      } catch (err) {
        process.stderr.write(` failed: ${(err as Error).message}\n`);
        throw err;
      }
    },
    note(text: string) {
      process.stderr.write(`      ${text}\n`);
    },
    elapsed: () => secs(performance.now() - started),
  };
}
