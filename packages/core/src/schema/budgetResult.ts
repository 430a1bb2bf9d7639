import { z } from 'zod';
import { AreaSchema, AttributesSchema, StatusSchema } from './common.js';

export const OperatorSchema = z.enum(['<', '<=', '>', '>=']);
export type Operator = z.infer<typeof OperatorSchema>;

export const BudgetResultSchema = z.object({
  id: z.string(),
  metric: z.string(),
  area: AreaSchema,
  where: AttributesSchema.optional(),
  scope: z.enum(['each', 'all']),
  statistic: z.string(),
  operator: OperatorSchema,
  /** Threshold in the metric's unit (converted from the budget's unit). */
  threshold: z.number(),
  /** The budget as written, e.g. 'p95 < 200ms'. */
  expression: z.string(),
  unit: z.string(),
  /** The worst observed value across the matched series; absent with no-data. */
  observed: z.number().optional(),
  /** Attributes of the series that produced `observed`. */
  attributes: AttributesSchema.optional(),
  seriesChecked: z.number().int().nonnegative(),
  seriesFailed: z.number().int().nonnegative(),
  status: StatusSchema,
  reason: z.string().optional(),
});
export type BudgetResult = z.infer<typeof BudgetResultSchema>;
