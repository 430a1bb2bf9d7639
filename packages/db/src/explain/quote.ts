/** A (possibly schema-qualified) table name quoted for SQL, so a name from a plan can never inject. */
export function quoteTable(table: string, quote: '"' | '`'): string {
  return table
    .split('.')
    .map((p) => `${quote}${p.split(quote).join(quote + quote)}${quote}`)
    .join('.');
}
