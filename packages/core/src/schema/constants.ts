// Plain values the recorder needs at run time, kept apart from the zod schemas so a browser bundle that
// only records (createAudit) never pulls zod in.

/** The report schema's version; a report of another version fails parseReport. */
export const SCHEMA_VERSION = 1 as const;

/** The four areas of the performance audit. */
export const AREAS = ['frontend', 'backend', 'database', 'ml'] as const;
