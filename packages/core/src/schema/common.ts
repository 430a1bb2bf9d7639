import { z } from 'zod';
import { AREAS } from './constants.js';

/** The four areas of the performance audit; every metric and finding belongs to one. */
export const AreaSchema = z.enum(AREAS);
export type Area = z.infer<typeof AreaSchema>;
export { AREAS };

/** Attribute values stay primitive so series keys are stable and reports stay small. */
export const AttributeValueSchema = z.union([z.string().max(2048), z.number(), z.boolean()]);
export const AttributesSchema = z.record(z.string().max(256), AttributeValueSchema);
export type Attributes = z.infer<typeof AttributesSchema>;

export const SeveritySchema = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof SeveritySchema>;

export const StatusSchema = z.enum(['pass', 'fail', 'no-data']);
export type Status = z.infer<typeof StatusSchema>;
