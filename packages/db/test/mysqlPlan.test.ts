import { describe, expect, it } from 'vitest';
import { createMysqlAdvisor, type ExplainDb, fingerprintSql } from '../src/index.js';

// No MySQL 8 server can run here (only MariaDB is installed), so this feeds the advisor MySQL 8.0's own
// EXPLAIN FORMAT=JSON layout (rows_examined_per_scan, cost_info, conditions qualified as `db`.`table`.`col`)
// through a stand-in connection. MariaDB's layout is covered against the real server in integration.test.ts.
const COLUMNS = { orders: ['id', 'user_id', 'email', 'status'], users: ['id', 'name'] } as const;
/** First columns of each table's indexes (information_schema.statistics, seq_in_index = 1). */
const LEADING: Record<string, string[]> = { orders: ['id'], users: ['id'] };

function mysql8(plan: object, leading = LEADING): { db: ExplainDb; statements: string[] } {
  const statements: string[] = [];
  const raw = async (sql: string, bindings?: readonly unknown[]) => {
    statements.push(sql);
    // mysql2 answers [rows, fields].
    if (/^SELECT VERSION/i.test(sql)) return [[{ v: '8.0.36' }], []];
    if (/information_schema\.columns/i.test(sql)) {
      const table = String(bindings?.[0]) as keyof typeof COLUMNS;
      return [COLUMNS[table].map((c) => ({ COLUMN_NAME: c })), []];
    }
    if (/information_schema\.statistics/i.test(sql)) {
      return [(leading[String(bindings?.[0])] ?? []).map((c) => ({ COLUMN_NAME: c })), []];
    }
    if (/^EXPLAIN FORMAT=JSON/i.test(sql)) return [[{ EXPLAIN: JSON.stringify(plan) }], []];
    throw new Error(`unexpected statement ${sql}`);
  };
  return { db: { raw, readOnly: (fn) => fn(raw) }, statements };
}

const settings = { minTableRows: 1000, timeoutMs: 2000 };
const job = (sql: string) => ({ shape: fingerprintSql(sql, 'mysql'), sql, bindings: ['x'] });

describe('MySQL 8 EXPLAIN FORMAT=JSON layout', () => {
  it('advises an index for a full scan with a condition on the scanned table, with the timeout hint', async () => {
    const { db, statements } = mysql8({
      query_block: {
        select_id: 1,
        cost_info: { query_cost: '305.25' },
        table: {
          table_name: 'orders',
          access_type: 'ALL',
          rows_examined_per_scan: 3000,
          rows_produced_per_join: 300,
          filtered: '10.00',
          cost_info: { read_cost: '275.25', eval_cost: '30.00', prefix_cost: '305.25' },
          used_columns: ['id', 'user_id', 'email', 'status'],
          attached_condition: "(`test`.`orders`.`email` = 'x')",
        },
      },
    });
    const advice = await createMysqlAdvisor()(
      job('select * from `orders` where `email` = ? limit 1'),
      db,
      settings,
    );
    expect(advice).toEqual([
      expect.objectContaining({
        table: 'orders',
        columns: ['email'],
        estimatedRows: 3000,
        createIndex: 'CREATE INDEX idx_orders_email ON orders (email);',
        source: 'MySQL EXPLAIN FORMAT=JSON',
      }),
    ]);
    // MySQL has no SET STATEMENT: the statement timeout is the optimizer hint.
    expect(statements.find((s) => s.startsWith('EXPLAIN'))).toMatch(
      /^EXPLAIN FORMAT=JSON SELECT \/\*\+ MAX_EXECUTION_TIME\(2000\) \*\//,
    );
  });

  it('follows nested_loop joins and aliases, and gives no advice for a table read by key', async () => {
    const { db } = mysql8({
      query_block: {
        select_id: 1,
        cost_info: { query_cost: '1412.00' },
        nested_loop: [
          {
            table: {
              table_name: 'o',
              access_type: 'ALL',
              possible_keys: null,
              rows_examined_per_scan: 3000,
              filtered: '33.33',
              attached_condition: "((`test`.`o`.`status` = 'open') and (`test`.`o`.`user_id` is not null))",
            },
          },
          {
            table: {
              table_name: 'u',
              access_type: 'eq_ref',
              possible_keys: ['PRIMARY'],
              key: 'PRIMARY',
              used_key_parts: ['id'],
              ref: ['test.o.user_id'],
              rows_examined_per_scan: 1,
            },
          },
        ],
      },
    });
    const advice = await createMysqlAdvisor()(
      job(
        'select `u`.`name` from `orders` as `o` inner join `users` as `u` on `u`.`id` = `o`.`user_id` where `o`.`status` = ?',
      ),
      db,
      settings,
    );
    expect(advice.map((a) => [a.table, a.columns])).toEqual([['orders', ['status', 'user_id']]]);
  });

  it('advises at any table size, but not when an index starts with the column or the scan has no condition', async () => {
    const plan = {
      query_block: {
        table: {
          table_name: 'orders',
          access_type: 'ALL',
          rows_examined_per_scan: 40,
          attached_condition: "(`test`.`orders`.`email` = 'x')",
        },
      },
    };
    // 40 rows, under minTableRows: still advice (the finding says 'info'; the scan grows with the table).
    const small = mysql8(plan);
    expect(
      await createMysqlAdvisor()(job('select * from `orders` where `email` = ?'), small.db, settings),
    ).toEqual([expect.objectContaining({ table: 'orders', columns: ['email'], estimatedRows: 40 })]);
    // An index on email exists: the optimizer scanned 40 rows on purpose.
    const indexed = mysql8(plan, { orders: ['id', 'email'] });
    expect(
      await createMysqlAdvisor()(job('select * from `orders` where `email` = ?'), indexed.db, settings),
    ).toEqual([]);
    const noCondition = mysql8({
      query_block: { table: { table_name: 'orders', access_type: 'ALL', rows_examined_per_scan: 3000 } },
    });
    expect(await createMysqlAdvisor()(job('select * from `orders`'), noCondition.db, settings)).toEqual([]);
  });
});
