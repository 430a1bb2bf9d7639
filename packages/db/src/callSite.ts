import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where this module lives: frames from this package are never the app's call site. */
const OWN_DIR = (() => {
  const line = new Error().stack?.split('\n')[1] ?? '';
  const m = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?\s*$/.exec(line);
  if (!m) return undefined;
  const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
  return dirname(file) + sep;
})();

/** Frames that belong to the app are the first outside node_modules, node internals and this package. */
function isAppFrame(line: string): boolean {
  if (!line.includes('/') && !line.includes('\\')) return false;
  if (line.includes(`${sep}node_modules${sep}`) || line.includes('/node_modules/')) return false;
  if (line.includes('(node:') || line.includes('at node:')) return false;
  if (OWN_DIR && (line.includes(OWN_DIR) || line.includes(`file://${OWN_DIR}`))) return false;
  return true;
}

/**
 * Captures the current stack cheaply: V8 records frames at construction but formats them only when
 * `.stack` is read, which happens just for the few sites that end up in a finding.
 */
export function captureSite(): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 10;
  const err = new Error('call site');
  Error.stackTraceLimit = limit;
  return err;
}

/** The app frames of a captured site, nearest first, paths relative to the working directory. */
export function appFrames(site: Error | undefined, max = 5): string[] {
  if (!site?.stack) return [];
  const cwd = process.cwd() + sep;
  const frames: string[] = [];
  for (const raw of site.stack.split('\n').slice(1)) {
    if (!isAppFrame(raw)) continue;
    let line = raw.trim().replace(/^at /, '').replace('file://', '');
    if (line.includes(cwd)) line = line.split(cwd).join('');
    frames.push(line.slice(0, 1000));
    if (frames.length >= max) break;
  }
  return frames;
}
