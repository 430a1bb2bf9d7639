import { existsSync } from 'node:fs';

/** Whether this run is CI, where a missing service is a failure rather than a skip. */
export const isCI = process.env.CI === 'true' || process.env.CI === '1';

/**
 * Probes a service a test suite needs. Reachable: true. Unreachable on a user's machine: false, with a
 * line saying why the suite is skipped and how to start it. Unreachable under CI=true: throws, failing the run.
 */
export async function requireService(
  name: string,
  probe: () => Promise<unknown>,
  howToStart: string,
): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (err) {
    const why = `${name} is not reachable (${(err as Error).message}). Start it with: ${howToStart}`;
    if (isCI) throw new Error(`CI=true requires ${name}: ${why}`);
    console.warn(`\n[perf-audit tests] SKIPPING the ${name} suite: ${why}\n`);
    return false;
  }
}

/** Path of Debian's Chromium, or undefined (with the same CI rule as requireService). */
export function requireChromium(): string | undefined {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return path;
  const why = `no Chromium at ${path}. Install it with: apt-get install -y chromium (or set CHROMIUM_PATH)`;
  if (isCI) throw new Error(`CI=true requires Chromium: ${why}`);
  console.warn(`\n[perf-audit tests] SKIPPING the browser suite: ${why}\n`);
  return undefined;
}

/** The flags Chromium needs on these machines (no sandbox as root, no network beyond loopback). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
