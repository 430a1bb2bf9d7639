/**
 * The line protocol a child job speaks: one JSON object per line, on a dedicated fd (PERF_ML_FD, default 3)
 * or on stdout behind the PROTOCOL_PREFIX. Anything that does not parse into one of these shapes is counted
 * as malformed and ignored.
 */
export type ProtocolMessage =
  | { t: 'phase'; event: 'start' | 'end'; name: string; ms?: number; ok?: boolean }
  | { t: 'progress'; done: number; total?: number }
  | { t: 'throughput'; items: number; seconds: number }
  | { t: 'diagnostics'; diagnostics: ConvergenceDiagnostics };

/** Convergence diagnostics as PyMC / ArviZ report them (worst value over parameters). */
export interface ConvergenceDiagnostics {
  /** Max R-hat over parameters; PyMC warns above 1.01. */
  rHat?: number;
  /** Min bulk ESS over parameters, summed over chains (as ArviZ reports it). */
  essBulk?: number;
  /** Min tail ESS over parameters. */
  essTail?: number;
  /** Divergent transitions after tuning (PyMC drops tuning draws by default, so `diverging.sum()`). */
  divergences?: number;
  chains?: number;
  draws?: number;
}

/** Prefix that marks a protocol line on stdout. */
export const PROTOCOL_PREFIX = '@perf-ml ';
/** Environment variable naming the protocol fd in the child. */
export const PROTOCOL_FD_ENV = 'PERF_ML_FD';
/** Default bound on one protocol line; longer lines are dropped and counted. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
/** Phase names are bounded so a buggy child cannot blow up series cardinality or memory. */
export const MAX_NAME_LENGTH = 128;

type Json = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function diagnosticsOf(o: Json): ConvergenceDiagnostics | undefined {
  const d: ConvergenceDiagnostics = {};
  const pairs: [keyof ConvergenceDiagnostics, unknown][] = [
    ['rHat', o.r_hat ?? o.rHat],
    ['essBulk', o.ess_bulk ?? o.essBulk],
    ['essTail', o.ess_tail ?? o.essTail],
    ['divergences', o.divergences],
    ['chains', o.chains],
    ['draws', o.draws],
  ];
  let any = false;
  for (const [k, v] of pairs) {
    if (v === undefined || v === null) continue;
    const n = num(v);
    if (n === undefined || n < 0) return undefined;
    d[k] = n;
    any = true;
  }
  return any ? d : undefined;
}

/** Parses one protocol line (without prefix); undefined means malformed. */
export function parseMessage(line: string): ProtocolMessage | undefined {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
  const m = o as Json;
  switch (m.t) {
    case 'phase': {
      if (typeof m.name !== 'string' || m.name.length === 0 || m.name.length > MAX_NAME_LENGTH)
        return undefined;
      if (m.event !== 'start' && m.event !== 'end') return undefined;
      const ms = num(m.ms);
      if (m.ms !== undefined && (ms === undefined || ms < 0)) return undefined;
      return {
        t: 'phase',
        event: m.event,
        name: m.name,
        ...(ms !== undefined ? { ms } : {}),
        ...(typeof m.ok === 'boolean' ? { ok: m.ok } : {}),
      };
    }
    case 'progress': {
      const done = num(m.done);
      const total = num(m.total);
      if (done === undefined || done < 0 || (m.total !== undefined && (total === undefined || total < 0))) {
        return undefined;
      }
      return { t: 'progress', done, ...(total !== undefined ? { total } : {}) };
    }
    case 'throughput': {
      const items = num(m.items);
      const seconds = num(m.seconds);
      if (items === undefined || seconds === undefined || items < 0 || seconds <= 0) return undefined;
      return { t: 'throughput', items, seconds };
    }
    case 'diagnostics': {
      const diagnostics = diagnosticsOf(m);
      return diagnostics ? { t: 'diagnostics', diagnostics } : undefined;
    }
    default:
      return undefined;
  }
}

/** Serializes a message the way perf_ml.py and childReporter write it. */
export function formatMessage(message: ProtocolMessage): string {
  if (message.t !== 'diagnostics') return JSON.stringify(message);
  const d = message.diagnostics;
  return JSON.stringify({
    t: 'diagnostics',
    r_hat: d.rHat,
    ess_bulk: d.essBulk,
    ess_tail: d.essTail,
    divergences: d.divergences,
    chains: d.chains,
    draws: d.draws,
  });
}
