// Writes audit.schema.json from the built zod schema, so the JSON Schema never drifts from the code.
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { AuditReportSchema } from '../dist/index.js';

const schema = z.toJSONSchema(AuditReportSchema, { target: 'draft-2020-12', io: 'input' });
schema.$id = 'https://perf-audit.dev/schema/audit-report-v1.json';
schema.title = 'perf-audit AuditReport v1';
writeFileSync(new URL('../audit.schema.json', import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
console.log('wrote audit.schema.json');
