import { createHash } from 'node:crypto';

/** The SQL flavours the normalizer knows; they differ in quoting, comments and placeholders. */
export type SqlDialect = 'mysql' | 'postgresql' | 'sqlite' | 'generic';

/** A statement's shape: what the report keys metrics and findings on. Never holds a value. */
export interface SqlShape {
  /** Normalized, literal-free SQL: keywords upper-cased, values and placeholders as `?`, lists collapsed. */
  text: string;
  /** Short stable hash of `text` (12 hex digits). */
  fingerprint: string;
  /** First statement keyword: SELECT, INSERT, UPDATE, DELETE ... (WITH resolves to the statement it feeds). */
  operation: string;
  /** Main table (FROM / INTO / UPDATE target), unquoted; undefined when there is none. */
  table: string | undefined;
  /** Rows in a VALUES list (or knex's SQLite `UNION ALL SELECT` form) before collapsing; 0 without one. */
  valuesRows: number;
  /** Whether the statement limits its rows (LIMIT, FETCH FIRST/NEXT, TOP). */
  hasLimit: boolean;
  /** Values in the statement's longest IN list before collapsing (0 without one): a chunk of a batch load. */
  inListMax: number;
}

const KEYWORDS = new Set(
  `select from where and or not in is null as on join left right inner outer full cross group by order having
  limit offset insert into values update set delete returning distinct union all exists between like ilike
  case when then else end asc desc with count sum avg min max coalesce for share nowait skip locked true false
  default pragma explain replace ignore conflict do nothing using duplicate key fetch first next rows row only
  over partition any some cast interval begin commit rollback transaction savepoint release create table index
  drop alter add column primary foreign references unique constraint if temporary view truncate show describe
  analyze lateral natural intersect except collate escape of recursive materialized lower upper glob regexp
  start work to`
    .split(/\s+/)
    .filter(Boolean),
);

const WORD_CHAR = /[A-Za-z0-9_$]/;
const SIMPLE_IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const LOWER_IDENT = /^[a-z_][a-z0-9_$]*$/;
const PLACEHOLDER = '\u0001';

/** Index just past a quoted run starting at `start`; a doubled quote (and a backslash where allowed) escapes. */
function skipQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

/** Drops a string-literal prefix (E'', N'', X'', B'', _utf8'') left at the end of `out`. */
function dropLiteralPrefix(out: string): string {
  const m = /(?:^|[^A-Za-z0-9_$])([EeNnXxBb]|_[A-Za-z0-9]+)$/.exec(out);
  return m ? out.slice(0, out.length - m[1]!.length) : out;
}

/**
 * Removes every value from `sql`: string and numeric literals, `$1` parameters and dollar-quoted bodies become
 * `?`, comments go. Quoted identifiers are kept aside (returned in `idents`) so later passes cannot touch them.
 */
function stripLiterals(sql: string, dialect: SqlDialect): { out: string; idents: string[] } {
  const idents: string[] = [];
  const slots = new Map<string, number>();
  const keepIdent = (name: string, quote: string) => {
    const bare = quote === '"' ? LOWER_IDENT.test(name) : SIMPLE_IDENT.test(name);
    const text = bare && !KEYWORDS.has(name.toLowerCase()) ? name : `${quote}${name}${quote}`;
    // One slot per distinct identifier, so repeated column lists stay textually equal for collapsing.
    let slot = slots.get(text);
    if (slot === undefined) {
      slot = idents.push(text) - 1;
      slots.set(text, slot);
    }
    return `${PLACEHOLDER}${slot}${PLACEHOLDER}`;
  };
  const backslash = dialect === 'mysql';
  let out = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'") {
      // PostgreSQL E'' strings take backslash escapes; MySQL strings always do.
      const eString = dialect !== 'mysql' && /(?:^|[^A-Za-z0-9_$])[Ee]$/.test(out);
      i = skipQuoted(sql, i, "'", backslash || eString);
      out = `${dropLiteralPrefix(out)}?`;
    } else if (c === '"') {
      const end = skipQuoted(sql, i, '"', backslash);
      // Only PostgreSQL (and the generic dialect) reliably means an identifier by "..."; MySQL means a
      // string, and SQLite accepts a string there too, so redaction wins over fidelity for them.
      if (dialect === 'postgresql' || dialect === 'generic') {
        out += keepIdent(sql.slice(i + 1, end - 1).replace(/""/g, '"'), '"');
      } else out += '?';
      i = end;
    } else if (c === '`') {
      const end = skipQuoted(sql, i, '`', false);
      out += keepIdent(sql.slice(i + 1, end - 1).replace(/``/g, '`'), '`');
      i = end;
    } else if ((c === '-' && next === '-') || (c === '#' && dialect === 'mysql')) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
      out += ' ';
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      out += ' ';
    } else if (
      c === '$' &&
      next !== undefined &&
      next >= '0' &&
      next <= '9' &&
      !WORD_CHAR.test(out.at(-1) ?? ' ')
    ) {
      i++;
      while (i < n && sql[i]! >= '0' && sql[i]! <= '9') i++;
      out += '?';
    } else if (c === '$' && dialect !== 'mysql') {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66));
      if (tag && !WORD_CHAR.test(out.at(-1) ?? ' ')) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
        out += '?';
      } else {
        out += c;
        i++;
      }
    } else if (c >= '0' && c <= '9' && !WORD_CHAR.test(out.at(-1) ?? ' ')) {
      const m = /^(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)/.exec(sql.slice(i, i + 64));
      i += m ? m[0].length : 1;
      while (i < n && WORD_CHAR.test(sql[i]!)) i++;
      out += '?';
    } else if (
      c === '.' &&
      next !== undefined &&
      next >= '0' &&
      next <= '9' &&
      !WORD_CHAR.test(out.at(-1) ?? ' ')
    ) {
      i++;
      while (i < n && /[0-9eE]/.test(sql[i]!)) i++;
      out += '?';
    } else {
      out += c;
      i++;
    }
  }
  return { out, idents };
}

/** Index just past the parenthesized group opening at `open`, or -1 when it is not closed. */
function closeParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Collapses `VALUES (..), (..), ...` to its first row, returning how many rows there were. */
function collapseValues(text: string): { text: string; rows: number } {
  const m = /\bVALUES \(/.exec(text);
  if (!m) return { text, rows: 0 };
  const first = m.index + m[0].length - 1;
  let end = closeParen(text, first);
  if (end < 0) return { text, rows: 0 };
  const firstRow = text.slice(first, end);
  let rows = 1;
  while (text.startsWith(', (', end)) {
    const next = closeParen(text, end + 2);
    if (next < 0) break;
    end = next;
    rows++;
  }
  if (rows === 1) return { text, rows };
  return { text: `${text.slice(0, first)}${firstRow}, ...${text.slice(end)}`, rows };
}

/** knex's SQLite multi-row insert: `SELECT ? AS a, ? AS b UNION ALL SELECT ? AS a, ? AS b ...`. */
const UNION_ROWS = /SELECT ((?:\? AS [^\s,]+)(?:, \? AS [^\s,]+)*)((?: UNION ALL SELECT \1)+)/;

/** Upper-cases keywords outside identifiers and normalizes spacing, so equal statements read alike. */
function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\s*,\s*/g, ', ')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
    .replace(/\s*(<=|>=|<>|!=)\s*/g, ' $1 ')
    .replace(/\s*(?<![<>!=:-])(=|<|>)(?![=>])\s*/g, ' $1 ')
    .replace(/[A-Za-z_][A-Za-z0-9_$]*/g, (w) => (KEYWORDS.has(w.toLowerCase()) ? w.toUpperCase() : w))
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/(?:\s*;)+$/, '');
}

/** An IN list of placeholders or placeholder tuples, before any collapsing. */
const IN_LIST = /\bIN \((?:\?|\(\?(?:, \?)*\))(?:, (?:\?|\(\?(?:, \?)*\)))*\)/g;

/** Normalized, literal-free text of a statement and the rows of its VALUES list. */
export function normalizeSql(
  sql: string,
  dialect: SqlDialect = 'generic',
): { text: string; valuesRows: number; inListMax: number } {
  const { out, idents } = stripLiterals(sql, dialect);
  let text = tidy(out);
  const values = collapseValues(text);
  text = values.text;
  // Same statement with any number of values: IN lists (and tuple lists) collapse to one marker. The longest
  // list's length is kept first (a chunk of a batch load is not an N+1), tuples counting one value each.
  let inListMax = 0;
  for (const m of text.matchAll(IN_LIST)) {
    let depth = 0;
    let items = 1;
    for (let i = 4; i < m[0].length - 1; i++) {
      const c = m[0][i];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === ',' && depth === 0) items++;
    }
    if (items > inListMax) inListMax = items;
  }
  text = text.replace(/\((\?(?:, \?)*)\)(?:, \(\1\))+/g, '($1), ...');
  text = text.replace(/\bIN \((?:\?|\(\?(?:, \?)*\))(?:, (?:\?|\(\?(?:, \?)*\)|\.\.\.))*\)/g, 'IN (...)');
  let valuesRows = values.rows;
  const union = UNION_ROWS.exec(text);
  if (union) {
    valuesRows = 1 + union[2]!.split(' UNION ALL ').length - 1;
    text = text.replace(union[0], `SELECT ${union[1]} UNION ALL ...`);
  }
  text = text.replace(
    new RegExp(`${PLACEHOLDER}(\\d+)${PLACEHOLDER}`, 'g'),
    (_, k: string) => idents[Number(k)]!,
  );
  return { text, valuesRows, inListMax };
}

/** Short stable hash of normalized text: the first 12 hex digits of its SHA-1. */
export function hashText(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 12);
}

const IDENT = String.raw`((?:"[^"]+"|\x60[^\x60]+\x60|[A-Za-z_][A-Za-z0-9_$]*)(?:\.(?:"[^"]+"|\x60[^\x60]+\x60|[A-Za-z_][A-Za-z0-9_$]*))?)`;
const FROM_TABLE = new RegExp(String.raw`\bFROM ${IDENT}`);
const INTO_TABLE = new RegExp(String.raw`\bINTO ${IDENT}`);
const UPDATE_TABLE = new RegExp(`^UPDATE (?:ONLY )?${IDENT}`);

/** An identifier without its quotes. */
export function unquote(name: string): string {
  return name.replace(/["`]/g, '');
}

function operationOf(text: string): string {
  const first = /^[(\s]*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? '';
  if (first !== 'WITH') return first || 'UNKNOWN';
  const m = /\b(INSERT|UPDATE|DELETE)\b/.exec(text);
  return m ? m[1]! : 'SELECT';
}

function tableOf(text: string, operation: string): string | undefined {
  const re =
    operation === 'INSERT' || operation === 'REPLACE'
      ? INTO_TABLE
      : operation === 'UPDATE'
        ? UPDATE_TABLE
        : FROM_TABLE;
  const m = re.exec(text.replace(/^[(\s]+/, ''));
  return m ? unquote(m[1]!) : undefined;
}

/** The shape of one statement: normalized text, fingerprint, operation, table. */
export function fingerprintSql(sql: string, dialect: SqlDialect = 'generic'): SqlShape {
  const { text, valuesRows, inListMax } = normalizeSql(sql, dialect);
  const operation = operationOf(text);
  return {
    text,
    fingerprint: hashText(text),
    operation,
    table: tableOf(text, operation),
    valuesRows,
    hasLimit: /\b(?:LIMIT|TOP)\b|\bFETCH (?:FIRST|NEXT)\b/.test(text),
    inListMax,
  };
}

/**
 * Shapes by raw SQL string. knex SQL is parameterized, so an app has few distinct strings and the hot path
 * becomes one map lookup; the map is capped (oldest entry out) so raw SQL with inline values cannot grow it.
 */
/**
 * A cheap key for an SQL string: its length and up to 9 of its characters. knex builds every statement anew,
 * so a Map keyed by the SQL text hashes a fresh string on every query (~170 ns for a 45-character SELECT, the
 * plugin's largest self-time on in-memory SQLite); this reads a few characters, and `===` confirms the hit.
 */
function quickKey(sql: string): number {
  const n = sql.length;
  const step = (n >> 3) + 1;
  let h = n;
  for (let i = 0; i < n; i += step) h = (Math.imul(h, 31) + sql.charCodeAt(i)) | 0;
  return h;
}

/** Fingerprints by SQL text, bounded (oldest evicted first). */
export class FingerprintCache {
  private readonly map = new Map<string, SqlShape>();
  /** quickKey -> the last statement seen with that key; a collision falls back to `map`. */
  private readonly recent = new Map<number, { sql: string; shape: SqlShape }>();
  constructor(
    private readonly dialect: SqlDialect,
    private readonly max = 2000,
  ) {}

  get(sql: string): SqlShape {
    const key = quickKey(sql);
    const hit = this.recent.get(key);
    if (hit !== undefined && hit.sql === sql) return hit.shape;
    let shape = this.map.get(sql);
    if (!shape) {
      shape = fingerprintSql(sql, this.dialect);
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
      this.map.set(sql, shape);
    }
    if (this.recent.size >= this.max) this.recent.clear();
    this.recent.set(key, { sql, shape });
    return shape;
  }

  get size(): number {
    return this.map.size;
  }
}
