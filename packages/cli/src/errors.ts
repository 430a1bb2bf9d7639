/** Bad input (a missing file, invalid JSON, a report that fails the schema, bad flags): exit code 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** Exit codes every command shares. */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;
