import { type Audit, type SchemaIssue, safeParseReport } from '@perf/core';

/** What a beacon endpoint answers: a status and, for rejections, a JSON body naming the problem. */
export interface BeaconResult {
  status: 204 | 400 | 405 | 413 | 500;
  body?: { error: string; message?: string; issues?: SchemaIssue[] };
}

/** Options of the beacon handlers. */
export interface BeaconOptions {
  /** Largest accepted body, bytes; larger ones get 413 and are not read further. Default 1 MiB. */
  limitBytes?: number;
  /** Access-Control-Allow-Origin to send (and answer preflights with), e.g. 'https://app.example'. Off by default. */
  cors?: string;
  /** Keep per-run summaries when merging (for `perf-audit diff`'s noise guard). Default false. */
  keepRuns?: boolean;
  /**
   * Turns the parsed JSON into an AuditReport before schema validation, for senders with their own format
   * (e.g. `decode: decodeReactBeacon` from @perf/react/ingest); it should pass an AuditReport through
   * unchanged. What it throws is a 400 with its message (and its `issues`, when it has them).
   */
  decode?: (value: unknown) => unknown;
}

const MAX_ISSUES = 20;

function count(audit: Audit, result: string): void {
  audit
    .counter(
      'http.beacon.requests',
      { 'beacon.result': result },
      {
        unit: '{request}',
        description:
          'Browser beacons received, by outcome (accepted, invalid-json, invalid-beacon, invalid-report, too-large).',
      },
    )
    .add();
}

/**
 * Validates a beacon (raw JSON text or an already parsed value) against the core schema and merges it into
 * the audit. Never throws: every outcome is a status.
 */
export function ingestBeacon(audit: Audit, input: unknown, options: BeaconOptions = {}): BeaconResult {
  try {
    let value = input;
    if (typeof input === 'string' || input instanceof Uint8Array) {
      const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
      try {
        value = JSON.parse(text);
      } catch (err) {
        count(audit, 'invalid-json');
        return {
          status: 400,
          body: { error: 'invalid JSON', message: (err as Error).message.slice(0, 200) },
        };
      }
    }
    if (options.decode) {
      try {
        value = options.decode(value);
      } catch (err) {
        count(audit, 'invalid-beacon');
        return { status: 400, body: decodeError(err) };
      }
    }
    const parsed = safeParseReport(value);
    if (!parsed.ok) {
      count(audit, 'invalid-report');
      return {
        status: 400,
        body: { error: 'invalid audit report', issues: parsed.issues.slice(0, MAX_ISSUES) },
      };
    }
    audit.ingest(parsed.report, { keepRuns: options.keepRuns ?? false });
    count(audit, 'accepted');
    return { status: 204 };
  } catch (err) {
    audit.safely('beacon', () => {
      throw err;
    });
    return { status: 500, body: { error: 'beacon ingest failed' } };
  }
}

/** The 400 body for a decode failure: its message and, for schema errors, the bad paths. */
function decodeError(err: unknown): NonNullable<BeaconResult['body']> {
  const e = err as { message?: unknown; issues?: unknown } | null;
  const issues = Array.isArray(e?.issues)
    ? (e.issues as unknown[])
        .filter((i): i is SchemaIssue => typeof (i as SchemaIssue | null)?.path === 'string')
        .slice(0, MAX_ISSUES)
        .map((i) => ({ path: i.path, message: String(i.message).slice(0, 500) }))
    : undefined;
  return {
    error: 'invalid beacon',
    message: String(e?.message ?? err).slice(0, 500),
    ...(issues?.length ? { issues } : {}),
  };
}

/** The 413 answer for a body over the limit. */
export function tooLarge(audit: Audit, limitBytes: number): BeaconResult {
  count(audit, 'too-large');
  return { status: 413, body: { error: 'beacon too large', message: `limit is ${limitBytes} bytes` } };
}
