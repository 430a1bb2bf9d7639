import { readFile, writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AuditReport, type Budget, defineBudgets, parseReport, ReportSchemaError } from '@perf/core';
import { InputError } from './errors.js';

/** Reads and validates a report file; every failure becomes an InputError naming the file and the bad path. */
export async function readReport(path: string): Promise<AuditReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return parseReport(json);
  } catch (err) {
    if (err instanceof ReportSchemaError) throw new InputError(`${path}: ${err.message}`);
    throw err;
  }
}

/**
 * Loads budgets from a .json file (a spec keyed by metric, e.g. {"http.server.request.duration": "p95 < 200ms"})
 * or a .js/.mjs module whose default export is a spec or a defineBudgets() list.
 */
export async function readBudgets(path: string): Promise<Budget[]> {
  let spec: unknown;
  try {
    if (extname(path) === '.json') spec = JSON.parse(await readFile(path, 'utf8'));
    else spec = ((await import(pathToFileURL(resolve(path)).href)) as { default?: unknown }).default;
  } catch (err) {
    throw new InputError(`cannot load budgets from ${path}: ${(err as Error).message}`);
  }
  try {
    return defineBudgets(spec as Parameters<typeof defineBudgets>[0]);
  } catch (err) {
    throw new InputError(`${path}: ${(err as Error).message}`);
  }
}

export async function writeOutput(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (err) {
    throw new InputError(`cannot write ${path}: ${(err as Error).message}`);
  }
}
