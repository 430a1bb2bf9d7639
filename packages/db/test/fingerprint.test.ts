import { describe, expect, it } from 'vitest';
import { FingerprintCache, fingerprintSql, normalizeSql } from '../src/fingerprint.js';

describe('normalizeSql', () => {
  it('keeps knex parameterized SQL, unquotes simple identifiers and upper-cases keywords', () => {
    expect(normalizeSql('select * from `users` where `id` = ? limit ?', 'mysql').text).toBe(
      'SELECT * FROM users WHERE id = ? LIMIT ?',
    );
    expect(normalizeSql('select * from "users" where "id" = $1 limit $2', 'postgresql').text).toBe(
      'SELECT * FROM users WHERE id = ? LIMIT ?',
    );
    expect(normalizeSql('select * from `users` where `id` = ? limit ?', 'sqlite').text).toBe(
      'SELECT * FROM users WHERE id = ? LIMIT ?',
    );
  });

  it('gives the same fingerprint to the same statement with different values (MySQL raw SQL)', () => {
    const a = fingerprintSql("SELECT * FROM orders WHERE customer = 'alice' AND total > 10.5 # why", 'mysql');
    const b = fingerprintSql("select *\n  from orders\twhere customer='bob\\'s' and total>7", 'mysql');
    expect(a.text).toBe('SELECT * FROM orders WHERE customer = ? AND total > ?');
    expect(b.fingerprint).toBe(a.fingerprint);
    // MySQL double quotes are strings: redacted, never echoed.
    expect(normalizeSql('select * from t where name = "secret"', 'mysql').text).not.toContain('secret');
  });

  it('handles PostgreSQL $n parameters, casts, E-strings, dollar quotes and quoted identifiers', () => {
    const a = fingerprintSql(
      `SELECT "Name", id FROM "public"."Users" WHERE email = $1 AND note = E'x\\'y' AND n = 3::int`,
      'postgresql',
    );
    expect(a.text).toBe('SELECT "Name", id FROM public."Users" WHERE email = ? AND note = ? AND n = ?::int');
    expect(a.table).toBe('public.Users');
    const b = fingerprintSql('select $$body$$ as x, $tag$ a $tag$ from t where a = $12', 'postgresql');
    expect(b.text).toBe('SELECT ? AS x, ? FROM t WHERE a = ?');
  });

  it('collapses IN lists of any length and multi-row VALUES', () => {
    const one = fingerprintSql('select * from t where id in (?)', 'mysql');
    const many = fingerprintSql('select * from t where id in (?, ?, ?, ?)', 'mysql');
    const literal = fingerprintSql('select * from t where id in (1,2,3)', 'mysql');
    expect(many.text).toBe('SELECT * FROM t WHERE id IN (...)');
    expect(one.fingerprint).toBe(many.fingerprint);
    expect(literal.fingerprint).toBe(many.fingerprint);
    const rows2 = fingerprintSql('insert into "t" ("a", "b") values ($1, $2), ($3, $4)', 'postgresql');
    const rows3 = fingerprintSql(
      'insert into "t" ("a", "b") values ($1, $2), ($3, $4), ($5, $6)',
      'postgresql',
    );
    expect(rows3.text).toBe('INSERT INTO t (a, b) VALUES (?, ?), ...');
    expect(rows3.fingerprint).toBe(rows2.fingerprint);
    expect(rows3.valuesRows).toBe(3);
    const single = fingerprintSql('insert into `t` (`a`, `b`) values (?, ?)', 'mysql');
    expect(single.valuesRows).toBe(1);
    expect(single.operation).toBe('INSERT');
    expect(single.table).toBe('t');
  });

  it("collapses knex's SQLite multi-row insert (UNION ALL SELECT)", () => {
    const s = fingerprintSql(
      'insert into `t` (`n`, `name`) select ? as `n`, ? as `name` union all select ? as `n`, ? as `name` union all select ? as `n`, ? as `name`',
      'sqlite',
    );
    expect(s.text).toBe('INSERT INTO t (n, name) SELECT ? AS n, ? AS name UNION ALL ...');
    expect(s.valuesRows).toBe(3);
  });

  it('strips comments, reads operation and table, and detects LIMIT', () => {
    const s = fingerprintSql(
      '/* app */ with x as (select 1) update "a" set b = 2 -- c\n where id = 3',
      'postgresql',
    );
    expect(s.operation).toBe('UPDATE');
    const sel = fingerprintSql('SELECT a FROM (SELECT a FROM inner_t) s', 'sqlite');
    expect(sel.operation).toBe('SELECT');
    expect(sel.table).toBe('inner_t');
    expect(sel.hasLimit).toBe(false);
    expect(fingerprintSql('select * from t fetch first 5 rows only', 'postgresql').hasLimit).toBe(true);
    expect(fingerprintSql('DELETE FROM `x` WHERE id = ?', 'mysql')).toMatchObject({
      operation: 'DELETE',
      table: 'x',
    });
    expect(fingerprintSql('select col1, t2.col_3 from t2', 'sqlite').text).toBe(
      'SELECT col1, t2.col_3 FROM t2',
    );
  });

  it('keeps quoted keywords quoted so they are not mistaken for SQL', () => {
    expect(normalizeSql('select `order` from `t`', 'mysql').text).toBe('SELECT `order` FROM t');
  });
});

describe('FingerprintCache', () => {
  it('is bounded', () => {
    const cache = new FingerprintCache('sqlite', 10);
    for (let i = 0; i < 100; i++) cache.get(`select * from t where id = ${i}`);
    expect(cache.size).toBe(10);
    expect(cache.get('select * from t where id = 1').fingerprint).toBe(
      cache.get('select * from t where id = 99').fingerprint,
    );
  });

  it('keeps statements apart when their cheap keys collide (same length, same sampled characters)', () => {
    const cache = new FingerprintCache('sqlite', 10);
    // 27 characters: the key samples every 4th one, and the table name sits at index 14, between samples.
    const a = 'SELECT a FROM t WHERE b = 1';
    const b = 'SELECT a FROM u WHERE b = 1';
    expect(a.length).toBe(b.length);
    for (let i = 0; i < 3; i++) {
      expect(cache.get(a).table).toBe('t');
      expect(cache.get(b).table).toBe('u');
    }
    expect(cache.size).toBe(2);
  });
});

describe('inListMax', () => {
  it('counts the longest IN list before it collapses, tuples as one value each', () => {
    const ids = Array.from({ length: 120 }, (_, i) => `$${i + 1}`).join(', ');
    const pg = fingerprintSql(`select * from t where id in (${ids}) and k in ($121, $122)`, 'postgresql');
    expect(pg.inListMax).toBe(120);
    expect(pg.text).toBe('SELECT * FROM t WHERE id IN (...) AND k IN (...)');
    expect(fingerprintSql('select * from t where (a, b) in ((?, ?), (?, ?), (?, ?))').inListMax).toBe(3);
    expect(fingerprintSql('select * from t where id = ?').inListMax).toBe(0);
  });
});
