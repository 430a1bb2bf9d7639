import type { AuditReport } from '../schema/index.js';

type Runtime = AuditReport['runtime'];

/** What the core can see of its runtime without importing node modules (it also runs in browsers). */
export function detectRuntime(): Runtime {
  const g = globalThis as {
    process?: { versions?: { node?: string }; platform?: string; arch?: string };
    navigator?: { userAgent?: string; hardwareConcurrency?: number };
  };
  const runtime: Runtime = {};
  const node = g.process?.versions?.node;
  if (node) {
    runtime.node = node;
    if (g.process?.platform) runtime.platform = g.process.platform;
    if (g.process?.arch) runtime.arch = g.process.arch;
  } else if (g.navigator?.userAgent) {
    runtime.browser = g.navigator.userAgent;
  }
  if (g.navigator?.hardwareConcurrency) runtime.cpus = g.navigator.hardwareConcurrency;
  return runtime;
}

/** A run id that works in Node and in non-secure browser contexts (where randomUUID is missing). */
export function newRunId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
