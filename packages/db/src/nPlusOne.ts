import type { Attributes, Audit, Impact } from '@perf/core';
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
  /** Running totals per finding key, so one finding per cause carries every request it was seen in. */
  totals: Map<string, CauseTotals>;
}

/** What one cause (rule, scope name, fingerprint) added up to over the scopes it was seen in. */
export interface CauseTotals {
  /** Scopes (requests, transactions, explicit scopes) that showed it. */
  scopes: number;
  /** Executions of the repeated statements in those scopes. */
  executions: number;
  /** Their time, ms. */
  ms: number;
  /** All query time of those scopes, ms: what the share is of. */
  scopeMs: number;
  /** Queries those scopes ran in all. */
  scopeQueries: number;
  /** Estimated saving, ms, summed over the scopes. */
  savingMs: number;
}

const MAX_FRAMES_CACHED = 1000;
const MAX_TOTALS = 1000;

/** Adds one scope's numbers to the running totals of `key` (bounded: the map restarts when full). */
/** An N+1's impact: its statements' share of the query time of the scopes it ran in, and the saving. */
function queryTimeImpact(total: CauseTotals, scope: Scope, basis: string): Impact {
  return {
    share: share(total.ms, total.scopeMs),
    of: 'query time',
    scope: scope.name,
    savingMs: round(total.savingMs),
    basis,
  };
}

function addTotals(ctx: EvaluationContext, key: string, add: Omit<CauseTotals, 'scopes'>): CauseTotals {
  let t = ctx.totals.get(key);
  if (!t) {
    if (ctx.totals.size >= MAX_TOTALS) ctx.totals.clear();
    t = { scopes: 0, executions: 0, ms: 0, scopeMs: 0, scopeQueries: 0, savingMs: 0 };
    ctx.totals.set(key, t);
  }
  t.scopes++;
  t.executions += add.executions;
  t.ms += add.ms;
  t.scopeMs += add.scopeMs;
  t.scopeQueries += add.scopeQueries;
  t.savingMs += add.savingMs;
  return t;
}

const share = (part: number, whole: number) =>
  whole > 0 ? Math.min(1, Math.max(0, Math.round((part / whole) * 1000) / 1000)) : 0;
const pct = (part: number, whole: number) => `${Math.round(share(part, whole) * 100)}%`;

/** Where a scope ran, for titles: the request's 'METHOD /route', or the scope kind, name and route. */
function whereOf(scope: Scope): string {
  if (scope.kind === 'request') return scope.name;
  const label = scope.kind === 'transaction' ? 'a transaction in' : 'scope';
  const route = scope.route && !scope.name.includes(scope.route) ? ` (route ${scope.route})` : '';
  return `${label} "${scope.name}"${route}`;
}

/** The first app frame without its function name: 'src/routes/users.ts:42:11'. */
export function siteLabel(frame: string | undefined): string | undefined {
  if (!frame) return undefined;
  const m = /\(([^()]+)\)\s*$/.exec(frame);
  return m ? m[1] : frame;
}

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
  const where = whereOf(scope);
  const site = siteLabel(frames[0]);
  const total = addTotals(ctx, `r ${key}`, {
    executions: t.count,
    ms: t.totalMs,
    scopeMs: scope.totalMs,
    scopeQueries: scope.queries,
    savingMs: (t.totalMs * (t.count - 1)) / t.count,
  });
  const perScope = Math.round(total.executions / total.scopes);
  const unit = scope.kind === 'request' ? 'request' : 'run';
  const of = `${t.count} of ${scope.queries} queries`;
  ctx.audit.finding({
    rule: 'db.n-plus-one',
    key,
    area: 'database',
    severity: t.count >= 10 * ctx.options.nPlusOneThreshold ? 'critical' : 'warning',
    title:
      `N+1 queries in ${where}: the same SELECT on ${t.shape.table ?? 'a table'} ran ${t.count}× per ${unit}` +
      (site ? `, from ${site}` : ''),
    message:
      `In ${where} the statement \`${t.shape.text.slice(0, 300)}\` ran ${t.count} times (${of}, ` +
      `${round(t.totalMs)} ms of query time${frames[0] ? `, from ${frames[0]}` : ''}); seen in ${total.scopes} ` +
      `${unit}${total.scopes === 1 ? '' : 's'}, ${perScope}× each on average, ${pct(total.ms, total.scopeMs)} of their query time. ` +
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
        scopeQueries: scope.queries,
        threshold: ctx.options.nPlusOneThreshold,
        scope: scope.name,
        scopeKind: scope.kind,
        route: scope.route ?? null,
        callSite: frames[0] ?? null,
        scopesSeen: total.scopes,
        executions: total.executions,
        executionsMs: round(total.ms),
        scopesQueryMs: round(total.scopeMs),
      },
    },
    recommendation:
      'Fetch the rows in one query: collect the keys and use whereIn (WHERE key IN (...)), a join, or eager ' +
      'loading, instead of one query per parent row.',
    impact: queryTimeImpact(
      total,
      scope,
      `the repeated statement's time over the query time of the ${total.scopes} ${unit}(s) it ran in; ` +
        `saving = (n - 1) × its mean time, per ${unit}, summed`,
    ),
    how: { method: 'exact', source: 'knex query events grouped by async context (AsyncLocalStorage)' },
  });
}

function reportNPlusOneWrite(scope: Scope, t: FingerprintTally, ctx: EvaluationContext): void {
  const key = `${scope.name} ${t.shape.fingerprint}`;
  const frames = framesFor(ctx, `w ${key}`, t.site);
  if (suppressed(ctx.options, [t.shape.fingerprint], frames)) return;
  const op = t.shape.operation;
  const where = whereOf(scope);
  const site = siteLabel(frames[0]);
  const n = t.singleRowWrites;
  const total = addTotals(ctx, `w ${key}`, {
    executions: n,
    ms: t.singleRowWriteMs,
    scopeMs: scope.totalMs,
    scopeQueries: scope.queries,
    savingMs: (t.singleRowWriteMs * (n - 1)) / n,
  });
  ctx.audit.finding({
    rule: 'db.n-plus-one-write',
    key,
    area: 'database',
    severity: 'warning',
    title:
      `${n} single-row ${op}s on ${t.shape.table ?? 'a table'} in ${where}` + (site ? `, from ${site}` : ''),
    message:
      `In ${where} the statement \`${t.shape.text.slice(0, 300)}\` wrote one row at a time, ${n} times ` +
      `(${round(t.singleRowWriteMs)} ms of query time${frames[0] ? `, from ${frames[0]}` : ''}); seen in ${total.scopes} ` +
      `scope${total.scopes === 1 ? '' : 's'}.`,
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
        route: scope.route ?? null,
        callSite: frames[0] ?? null,
        scopesSeen: total.scopes,
      },
    },
    impact: queryTimeImpact(
      total,
      scope,
      "the single-row writes' time over the query time of the scopes they ran in; saving = (n - 1) × their " +
        'mean time per scope, summed (one multi-row statement costs about one round trip)',
    ),
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
  const key = scope.name;
  // Formatted once per route and position (formatting a stack costs far more than capturing it).
  const sites = run.sites.map((site, i) => framesFor(ctx, `s ${key} ${i} ${fps[i]}`, site)[0]);
  if (
    suppressed(
      ctx.options,
      fps,
      sites.filter((f): f is string => f !== undefined),
    )
  )
    return;
  const total = addTotals(ctx, `s ${key}`, {
    executions: run.shapes.length,
    ms: run.totalMs,
    scopeMs: scope.totalMs,
    scopeQueries: scope.queries,
    savingMs: run.savingMs,
  });
  const where = whereOf(scope);
  const labels = sites.map(siteLabel);
  const known = labels.filter((l): l is string => l !== undefined);
  const n = run.shapes.length;
  ctx.audit.finding({
    rule: 'db.sequential-queries',
    key,
    area: 'database',
    severity: 'info',
    title:
      `${n} independent SELECTs ran one after another in ${where}` +
      (known.length ? ` (${known.join(', ')})` : ''),
    message:
      `${n} SELECTs (${run.shapes.map((s) => s.table ?? '?').join(', ')}; ${round(run.totalMs)} ms in total) each ` +
      'waited for the previous one although none used a value the earlier ones returned; run concurrently, the ' +
      `wait is the slowest one, not the sum: ${round(run.savingMs)} ms less per ${scope.kind === 'request' ? 'request' : 'run'}` +
      ` (${total.scopes} seen, ${round(total.savingMs)} ms in all).`,
    evidence: {
      samples: run.shapes.map((s) => s.text.slice(0, 1000)).slice(0, 20),
      ...(known.length ? { stack: sites.filter((f): f is string => f !== undefined).slice(0, 30) } : {}),
      attributes: {
        'db.system.name': ctx.system,
        ...(scope.route ? { 'http.route': scope.route } : {}),
      },
      details: {
        fingerprints: fps,
        timesMs: run.times.map(round),
        totalMs: round(run.totalMs),
        savingMs: round(run.savingMs),
        callSites: sites.map((f) => f ?? null),
        scope: scope.name,
        scopeKind: scope.kind,
        route: scope.route ?? null,
        scopesSeen: total.scopes,
      },
    },
    recommendation:
      'Start independent queries together (Promise.all) so they use several pool connections, or combine them into one statement.',
    impact: {
      share: share(total.savingMs, total.scopeMs),
      of: 'query time',
      scope: scope.name,
      savingMs: round(total.savingMs),
      basis:
        'running the statements together waits for the slowest, not the sum: saving = sum - max per scope, ' +
        "summed; share = that saving over the scopes' serial query time",
    },
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
    // Repeats of a statement with a long IN list are chunks of one batch load (whereIn over many ids).
    if (op === 'SELECT' && t.count >= nPlusOneThreshold && t.inListMax < ctx.options.nPlusOneBatchInList)
      reportNPlusOne(scope, t, ctx);
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
