import { unquote } from '../fingerprint.js';

/** A column a plan filters on, and whether by equality (index it first) or by range. */
export interface PredicateColumn {
  column: string;
  equality: boolean;
}

const NOT_COLUMNS = new Set(
  `and or not is null in any all some like ilike between true false exists case when then else end escape
  collate asc desc select from where on as distinct interval cast text integer int bigint numeric varchar
  character varying boolean date timestamp with without time zone regexp glob match`.split(/\s+/),
);
const CLAUSE_END =
  /\b(?:GROUP BY|ORDER BY|LIMIT|HAVING|UNION|OFFSET|FETCH|FOR UPDATE|FOR SHARE|RETURNING|WINDOW)\b/;
const IDENT = String.raw`(?:"[^"]+"|\x60[^\x60]+\x60|[A-Za-z_][A-Za-z0-9_$]*)`;
const TABLE_REF = new RegExp(
  String.raw`\b(?:FROM|JOIN)\s+(${IDENT}(?:\.${IDENT})?)(?:\s+(?:AS\s+)?(${IDENT}))?`,
  'g',
);
const COLUMN_REF = new RegExp(String.raw`((?:${IDENT}\.){0,2})(${IDENT})(\s*\()?`, 'g');

/** alias -> table (a table also maps to itself), from the FROM and JOIN clauses of normalized SQL. */
export function aliasesOf(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of text.matchAll(TABLE_REF)) {
    const table = unquote(m[1]!);
    map.set(table, table);
    const short = table.split('.').pop()!;
    map.set(short, table);
    const alias = m[2] ? unquote(m[2]) : undefined;
    if (
      alias &&
      !NOT_COLUMNS.has(alias.toLowerCase()) &&
      !/^(?:WHERE|JOIN|LEFT|RIGHT|INNER|OUTER|FULL|CROSS|ON|USING|NATURAL|GROUP|ORDER|LIMIT|UNION)$/i.test(
        alias,
      )
    ) {
      map.set(alias, table);
    }
  }
  return map;
}

/** The WHERE clause of normalized SQL (first level), or '' when there is none. */
export function whereClause(text: string): string {
  const at = text.search(/\bWHERE\b/);
  if (at < 0) return '';
  const rest = text.slice(at + 5);
  const end = rest.search(CLAUSE_END);
  return end < 0 ? rest : rest.slice(0, end);
}

/** A condition with its values and casts removed, so only identifiers and operators remain. */
function stripCondition(cond: string): string {
  return cond
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/::\s*"?[A-Za-z_][\w ]*?"?(?:\[\])?(?=[\s),=<>]|$)/g, '')
    .replace(/\b\d+(?:\.\d+)?\b/g, '?');
}

/**
 * Columns a filter condition (a plan's Filter, MariaDB's attached_condition, a WHERE clause, or SQLite's
 * automatic-index key list) tests on the table known by one of `qualifiers`. Unqualified names count when
 * they are columns of the table (`known`), so another table's columns are not mistaken for this one's.
 */
export function predicateColumns(
  condition: string,
  qualifiers: Set<string>,
  known: Set<string> | undefined,
): PredicateColumn[] {
  const cond = stripCondition(condition);
  const found = new Map<string, boolean>();
  for (const m of cond.matchAll(COLUMN_REF)) {
    if (m[3]) continue; // a function call
    const prefix = m[1] ? m[1].slice(0, -1).split('.').map(unquote) : [];
    const column = unquote(m[2]!);
    if (NOT_COLUMNS.has(column.toLowerCase())) continue;
    const qualifier = prefix.at(-1);
    if (qualifier !== undefined && !qualifiers.has(qualifier)) continue;
    if (known && known.size > 0 && !known.has(column) && !known.has(column.toLowerCase())) continue;
    if (!known && qualifier === undefined) continue;
    const after = cond.slice(m.index! + m[0].length);
    const equality = /^\)*\s*(?:=|IN\b|IS\b)/i.test(after);
    found.set(column, (found.get(column) ?? false) || equality);
  }
  const cols = [...found].map(([column, equality]) => ({ column, equality }));
  // Equality columns first: an index on (eq..., range) serves both; the reverse does not.
  return [...cols.filter((c) => c.equality), ...cols.filter((c) => !c.equality)];
}

const quoteIdent = (name: string, quote: string) =>
  /^[a-z_][a-z0-9_]*$/.test(name) ? name : `${quote}${name}${quote}`;

/** A CREATE INDEX statement for the columns, equality columns first. */
export function suggestIndex(table: string, columns: string[], quote: '"' | '`'): string {
  const base = table.split('.').pop()!;
  const name = `idx_${base}_${columns.join('_')}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 63);
  const qualified = table
    .split('.')
    .map((p) => quoteIdent(p, quote))
    .join('.');
  return `CREATE INDEX ${name} ON ${qualified} (${columns.map((c) => quoteIdent(c, quote)).join(', ')});`;
}

const JOIN_REF = new RegExp(
  String.raw`\bJOIN\s+(${IDENT}(?:\.${IDENT})?)(?:\s+(?:AS\s+)?(${IDENT}))?\s+ON\b`,
  'g',
);
const ON_CLAUSE =
  /\bON\s+(.+?)(?=\b(?:LEFT|RIGHT|INNER|OUTER|FULL|CROSS|NATURAL|JOIN|WHERE|GROUP BY|ORDER BY|LIMIT|HAVING|UNION|WINDOW|RETURNING)\b|$)/g;

/** Whether the table known by one of `qualifiers` is joined (`JOIN t ON ...`): probed once per outer row. */
export function isJoined(text: string, qualifiers: Set<string>): boolean {
  for (const m of text.matchAll(JOIN_REF)) {
    const table = unquote(m[1]!);
    const alias = m[2] ? unquote(m[2]) : undefined;
    if (qualifiers.has(table) || qualifiers.has(table.split('.').pop()!) || (alias && qualifiers.has(alias)))
      return true;
  }
  return false;
}

/** Columns of the table known by one of `qualifiers` that the statement's `JOIN ... ON` conditions match on. */
export function joinColumns(text: string, qualifiers: Set<string>, known: Set<string> | undefined): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(ON_CLAUSE)) {
    for (const c of predicateColumns(m[1]!, qualifiers, known))
      if (!out.includes(c.column)) out.push(c.column);
  }
  return out;
}

/**
 * The columns an index for a scanned table should cover: its filter's equality columns, then the columns it
 * is joined on (so the index also serves the join, or covers the join key), then its range columns. A joined
 * table (`JOIN t ON ...`) is looked up once per outer row, so its join columns count alone; the driving table's
 * join columns only complete an index its own filter needs.
 */
export function indexColumns(
  text: string,
  qualifiers: Set<string>,
  known: Set<string> | undefined,
  filter: PredicateColumn[],
): string[] {
  const join = filter.length > 0 || isJoined(text, qualifiers) ? joinColumns(text, qualifiers, known) : [];
  const out: string[] = [];
  const add = (c: string) => {
    if (!out.includes(c)) out.push(c);
  };
  for (const c of filter) if (c.equality) add(c.column);
  for (const c of join) add(c);
  for (const c of filter) if (!c.equality) add(c.column);
  return out;
}

/** Whether an index already starts with one of `columns` (the plan skipped it because the table is small). */
export function hasUsableIndex(leading: Set<string>, columns: string[]): boolean {
  return columns.some((c) => leading.has(c) || leading.has(c.toLowerCase()));
}
