// Which executions over the threshold are slow queries, given the loop's delay over them (pure; the starved
// processes on three engines are in starvation.contention.test.ts).
import { createAudit } from '@perf/core';
import { describe, expect, it } from 'vitest';
import { fingerprintSql } from '../src/index.js';
import type { SlowExecution } from '../src/slowQuery.js';
import { SlowQueryJudge } from '../src/slowQueryJudge.js';

const audit = createAudit({ subject: 'judge' });
const lookup = fingerprintSql('select * from t where id = ?', 'postgresql');
const sleep = fingerprintSql('select pg_sleep(0.15)', 'postgresql');
const duration = audit.histogram('db.client.operation.duration', { case: 'judge' });

function run(events: [typeof lookup, number, number][]) {
  const reported: SlowExecution[] = [];
  const judge = new SlowQueryJudge(50, (s) => reported.push(s));
  for (const [shape, clientMs, delayedMs] of events) {
    const slow =
      clientMs > 50
        ? { shape, time: { ownMs: clientMs, clientMs, loopMs: 0, delayedMs }, duration, site: undefined }
        : undefined;
    judge.judge(slow, shape, clientMs);
  }
  return { reported, judge };
}

const fast = (n: number): [typeof lookup, number, number][] =>
  Array.from({ length: n }, () => [lookup, 1.5, 0] as [typeof lookup, number, number]);

describe('SlowQueryJudge', () => {
  it("a normally fast statement, slow while the loop was delayed for most of it, is the loop's", () => {
    const { reported } = run([...fast(5), [lookup, 60, 40]]);
    expect(reported).toEqual([]);
  });

  it('the same execution is a slow query when the loop explains too little of it', () => {
    const { reported } = run([...fast(5), [lookup, 60, 10]]);
    expect(reported.map((r) => r.time.clientMs)).toEqual([60]);
  });

  it('a statement slow every time is never excused, however delayed the loop was', () => {
    const { reported, judge } = run([
      [sleep, 160, 150],
      [sleep, 155, 150],
      [sleep, 170, 160],
      [sleep, 150, 140],
    ]);
    // Held while its floor is unknown or high, decided at the next report: all four are slow queries.
    judge.flush();
    expect(reported).toHaveLength(4);
  });

  it('holds a start-up burst until the statement has a floor, then decides it', () => {
    const { reported, judge } = run([[lookup, 70, 60], [lookup, 65, 50], ...fast(3)]);
    expect(reported).toEqual([]);
    judge.flush();
    expect(reported).toEqual([]);
  });

  it('flush decides what is still held with what is known then', () => {
    const { reported, judge } = run([
      [lookup, 70, 60],
      [lookup, 65, 50],
    ]);
    expect(reported).toEqual([]);
    judge.flush();
    expect(reported).toHaveLength(2);
  });

  it('without any loop delay a slow execution is reported at once', () => {
    const { reported } = run([[lookup, 70, 0]]);
    expect(reported).toHaveLength(1);
  });
});
