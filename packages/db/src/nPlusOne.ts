import type { Attributes, Audit } from '@perf/core';
import { appFrames } from './callSite.js';
import type { SqlDialect } from './fingerprint.js';
import type { ResolvedOptions } from './options.js';
import type { FingerprintTally, Scope } from './scope.js';

/** What scope evaluation needs besides the scope. */
export interface EvaluationContext {
  audit: Audit;
  options: ResolvedOptions;
  system: string;
  dialect: SqlDialect;
  /** Formatted call sites per finding key: a pattern seen again needs no stack formatting. */
  frames: Map<string, string[]>;
}

const MAX_FRAMES_CACHED = 1000;

/** App frames for a finding key, formatted once per key (formatting a stack costs far more than capturing). */
function framesFor(ctx: EvaluationContext, key: string, site: Error | undefined): string[] {
  const hit = ctx.frames.get(key);
  if (hit && (hit.length > 0 || !site)) return hit;
  const frames = appFrames(site);
  if (ctx.frames.size >= MAX_FRAMES_CACHED) ctx.frames.clear();
  ctx.frames.set(key, frames);
  return frames;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** Whether the user asked not to hear about this fingerprint or call site. */
export function suppressed(options: ResolvedOptions, fingerprints: string[], frames: string[]): boolean {
  if (fingerprints.some((f) => options.suppressFingerprints.has(f))) return true;
  return options.suppressCallSites.some((s) => frames.some((f) => f.includes(s)));
}

function scopeAttributes(scope: Scope, t: FingerprintTally, system: string): Attributes {
  return {
    'db.system.name': system,
    'db.query.fingerprint': t.shape.fingerprint,
    'db.operation.name': t.shape.operation,
    ...(t.shape.table ? { 'db.collection.name': t.shape.table } : {}),
    ...(scope.route ? { 'http.route': scope.route } : {}),
  };
}

function reportNPlusOne(scope: Scope, t: FingerprintTally, ctx: EvaluationContext): void {
  const key = `${scope.name} ${t.shape.fingerprint}`;
  const frames = framesFor(ctx, `r ${key}`, t.site);
  if (suppressed(ctx.options, [t.shape.fingerprint], frames)) return;
  const where = scope.kind === 'request' ? `request ${scope.name}` : `${scope.kind} scope "${scope.name}"`;
  ctx.audit.finding({
    rule: 'db.n-plus-one',
    key,
    area: 'database',
    severity: t.count >= 10 * ctx.options.nPlusOneThreshold ? 'critical' : 'warning',
    title: `N+1 queries: the same SELECT on ${t.shape.table ?? 'a table'} ran ${t.count}× in ${where}`,
    message:
      `One unit of work ran the statement \`${t.shape.text.slice(0, 300)}\` ${t.count} times ` +
      `(${round(t.totalMs)} ms of query time${frames[0] ? `, from ${frames[0]}` : ''}). ` +
      'Each execution is a round trip; loading the rows in one statement removes all but one.',
    evidence: {
      metrics: [
        {
          name: 'db.client.operation.duration',
          attributes: { 'db.query.fingerprint': t.shape.fingerprint },
          statistic: 'sum',
          value: round(t.totalMs),
          unit: 'ms',
        },
      ],
      samples: [t.shape.text.slice(0, 4096)],
      ...(frames.length ? { stack: frames } : {}),
      attributes: scopeAttributes(scope, t, ctx.system),
      details: {
        count: t.count,
        totalMs: round(t.totalMs),
        threshold: ctx.options.nPlusOneThreshold,
        scope: scope.name,
        scopeKind: scope.kind,
        callSite: frames[0] ?? null,
      },
    },
    recommendation:
      'Fetch the rows in one query: collect the keys and use whereIn (WHERE key IN (...)), a join, or eager ' +
      'loading, instead of one query per parent row.',
    how: { method: 'exact', source: 'knex query events grouped by async context (AsyncLocalStorage)' },
  });
}

function reportNPlusOneWrite(scope: Scope, t: FingerprintTally, ctx: EvaluationContext): void {
  const key = `${scope.name} ${t.shape.fingerprint}`;
  const frames = framesFor(ctx, `w ${key}`, t.site);
  if (suppressed(ctx.options, [t.shape.fingerprint], frames)) return;
  const op = t.shape.operation;
  ctx.audit.finding({
    rule: 'db.n-plus-one-write',
    key,
    area: 'database',
    severity: 'warning',
    title: `${t.singleRowWrites} single-row ${op}s on ${t.shape.table ?? 'a table'} in ${scope.name}`,
    message:
      `The statement \`${t.shape.text.slice(0, 300)}\` wrote one row at a time, ${t.singleRowWrites} times ` +
      `(${round(t.singleRowWriteMs)} ms of query time${frames[0] ? `, from ${frames[0]}` : ''}).`,
    evidence: {
      samples: [t.shape.text.slice(0, 4096)],
      ...(frames.length ? { stack: frames } : {}),
      attributes: scopeAttributes(scope, t, ctx.system),
      details: {
        count: t.singleRowWrites,
        totalMs: round(t.singleRowWriteMs),
        threshold: ctx.options.nPlusOneWriteThreshold,
        scope: scope.name,
        scopeKind: scope.kind,
        callSite: frames[0] ?? null,
      },
    },
    recommendation:
      op === 'INSERT'
        ? 'Insert the rows with one multi-row statement (knex: insert([...rows]) or batchInsert with a chunk size), inside one transaction.'
        : `Replace the per-row ${op}s by one set-based statement (WHERE id IN (...), an UPDATE ... FROM/JOIN or CASE), or at least run them in one transaction.`,
    how: { method: 'exact', source: 'knex query events grouped by async context (AsyncLocalStorage)' },
  });
}

function reportSequential(scope: Scope, ctx: EvaluationContext): void {
  const run = scope.sequential.best;
  if (!run) return;
  const fps = run.shapes.map((s) => s.fingerprint);
  if (suppressed(ctx.options, fps, [])) return;
  ctx.audit.finding({
    rule: 'db.sequential-queries',
    key: `${scope.name} ${fps.join('+')}`,
    area: 'database',
    severity: 'info',
    title: `${run.shapes.length} independent SELECTs ran one after another in ${scope.name}`,
    message:
      `${run.shapes.length} SELECTs (${round(run.totalMs)} ms in total) each waited for the previous one although ` +
      'none used a value the earlier ones returned; run concurrently, the wait is the slowest one, not the sum.',
    evidence: {
      samples: run.shapes.map((s) => s.text.slice(0, 1000)).slice(0, 20),
      attributes: {
        'db.system.name': ctx.system,
        ...(scope.route ? { 'http.route': scope.route } : {}),
      },
      details: { fingerprints: fps, totalMs: round(run.totalMs), scope: scope.name, scopeKind: scope.kind },
    },
    recommendation:
      'Start independent queries together (Promise.all) so they use several pool connections, or combine them into one statement.',
    how: { method: 'exact', source: 'knex query events: start and end times per async scope' },
  });
}

/** Evaluates a finished scope: N+1 reads, N+1 writes and sequential independent SELECTs. */
export function evaluateScope(scope: Scope, ctx: EvaluationContext): void {
  if (scope.ended) return;
  scope.ended = true;
  const { nPlusOneThreshold, nPlusOneWriteThreshold } = ctx.options;
  for (const t of scope.fingerprints.values()) {
    const op = t.shape.operation;
    if (op === 'SELECT' && t.count >= nPlusOneThreshold) reportNPlusOne(scope, t, ctx);
    else if (
      (op === 'INSERT' || op === 'UPDATE' || op === 'DELETE') &&
      t.singleRowWrites >= nPlusOneWriteThreshold
    ) {
      reportNPlusOneWrite(scope, t, ctx);
    }
  }
  // A transaction's queries share one connection and SQLite runs one statement at a time in-process:
  // parallelizing cannot help there, so the rule stays quiet.
  scope.sequential.close();
  if (scope.kind !== 'transaction' && ctx.dialect !== 'sqlite') reportSequential(scope, ctx);
}
