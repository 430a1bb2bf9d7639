import { consoleReporter } from './console.js';
import { htmlReporter } from './html/html.js';
import { jsonReporter } from './json.js';
import { markdownReporter } from './markdown.js';
import type { Reporter } from './reporter.js';

const registry = new Map<string, Reporter>([
  ['json', jsonReporter],
  ['md', markdownReporter],
  ['markdown', markdownReporter],
  ['console', consoleReporter],
  ['html', htmlReporter],
]);

/** Makes a reporter (the HTML one, a team's own) available by name to `getReporter` and the CLI. */
export function registerReporter(reporter: Reporter, ...aliases: string[]): void {
  for (const name of [reporter.name, ...aliases]) registry.set(name, reporter);
}

/** The reporter registered under `name`; throws naming the known ones. */
export function getReporter(name: string): Reporter {
  const r = registry.get(name);
  if (!r)
    throw new Error(`unknown report format '${name}': expected one of ${[...registry.keys()].join(', ')}`);
  return r;
}

export type { RenderOptions, Reporter } from './reporter.js';
export { consoleReporter, htmlReporter, jsonReporter, markdownReporter };
