import {
  DEADLINE_KINDS,
  DEADLINE_STATUSES,
  pipQuerySchema,
  reportRequestSchema,
} from '@pipkit/core';
import { z } from 'zod';
import { apiRegistry } from './apiRegistry.js';
import { pipRecordSchema } from './schemas.js';

/**
 * The schemas of the read-side routes: the bodies are pipkit's own `pipQuerySchema` and
 * `reportRequestSchema`, so the service validates exactly what the engine does.
 */
apiRegistry.add(pipQuerySchema, {
  id: 'PipQuery',
  description: 'Filters, order, page size and cursor (pipkit `pipQuerySchema`).',
});
apiRegistry.add(reportRequestSchema, {
  id: 'ReportRequest',
  description: 'A report by name, with its filter (pipkit `reportRequestSchema`).',
});
for (const option of reportRequestSchema.options) {
  const name = option.shape.name.value;
  apiRegistry.add(option, { id: `${name.charAt(0).toUpperCase()}${name.slice(1)}Report` });
}

/** A page of `POST /pips/query`. */
export const queryPageSchema = z
  .object({
    items: z.array(pipRecordSchema).readonly(),
    unreadable: z
      .array(z.object({ pipId: z.string(), code: z.string() }))
      .readonly()
      .describe('PIPs of the page whose stored record could not be read (STORE_CORRUPT_ROW).'),
    hidden: z
      .number()
      .int()
      .describe('PIPs of the page within the read scope that the authorizer still denied.'),
    next: z
      .string()
      .optional()
      .describe('Send back as `cursor`, with the same filters and sort, for the next page.'),
  })
  .register(apiRegistry, { id: 'QueryPage' });

/** `POST /pips/count`'s answer. */
export const countSchema = z
  .object({ count: z.number().int() })
  .register(apiRegistry, { id: 'Count' });

/** One deadline and what became of it. */
export const deadlineStatusSchema = z
  .object({
    id: z.string(),
    kind: z.enum(DEADLINE_KINDS),
    dueAt: z.string(),
    date: z.string(),
    status: z.enum(DEADLINE_STATUSES),
    changedAt: z.string(),
    overdueSince: z.string().optional(),
    late: z.boolean().optional(),
  })
  .register(apiRegistry, { id: 'DeadlineStatus' });

/** `GET /pips/:id/deadlines`. */
export const deadlinesSchema = z
  .object({ pipId: z.string(), deadlines: z.array(deadlineStatusSchema).readonly() })
  .register(apiRegistry, { id: 'Deadlines' });

/** `POST /reports`: the report's typed rows. */
export const reportSchema = z
  .object({
    name: z.string(),
    rows: z
      .array(z.record(z.string(), z.union([z.string(), z.number()])))
      .readonly()
      .describe('One object per row; the columns of each report are listed in docs/queries.md.'),
  })
  .register(apiRegistry, { id: 'Report' });
