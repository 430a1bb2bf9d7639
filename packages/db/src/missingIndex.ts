import type { Audit } from '@perf/core';
import type { IndexAdvice } from './explain/types.js';
import type { SqlShape } from './fingerprint.js';

/** Reports one missing-index advice; findings for the same table and columns merge across statements. */
export function reportMissingIndex(audit: Audit, system: string, shape: SqlShape, advice: IndexAdvice): void {
  const rows = advice.estimatedRows;
  audit.finding({
    rule: 'db.missing-index',
    key: `${advice.table}(${advice.columns.join(', ')})`,
    area: 'database',
    severity: rows !== undefined && rows >= 100_000 ? 'critical' : 'warning',
    title: `Missing index on ${advice.table}(${advice.columns.join(', ')}): full scan${rows !== undefined ? ` of ~${rows} rows` : ''}`,
    message:
      `The plan for \`${shape.text.slice(0, 300)}\` reads ${advice.table} in full (${advice.planStep}) to filter on ` +
      `${advice.columns.join(', ')}; the cost grows with the table, not with the rows returned.`,
    evidence: {
      samples: [shape.text.slice(0, 4096)],
      attributes: {
        'db.system.name': system,
        'db.collection.name': advice.table,
        'db.query.fingerprint': shape.fingerprint,
      },
      details: {
        table: advice.table,
        columns: advice.columns,
        createIndex: advice.createIndex,
        planStep: advice.planStep,
        estimatedRows: rows ?? null,
      },
    },
    recommendation: `Add an index, equality columns first: ${advice.createIndex} Then check with EXPLAIN that the plan uses it.`,
    how: { method: 'estimated', source: advice.source },
  });
}
