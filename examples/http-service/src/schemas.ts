import {
  commandSchema,
  documentRefSchema,
  goalSchema,
  openPipSchema,
  PIP_STATES,
  type HistoryVerification,
  roleSchema,
  DEADLINE_KINDS,
} from '@pipkit/core';
import { LOCALES } from '@pipkit/report';
import { z } from 'zod';
import { apiRegistry } from './apiRegistry.js';
import { componentName, pipContextSchema, pipEventSchema } from './recordSchemas.js';

/**
 * The zod schemas of the HTTP API. Request bodies are pipkit's own exported schemas
 * (`commandSchema`, `openPipSchema`), so the OpenAPI document and the validation can never drift
 * from the engine; responses are described here and in recordSchemas.ts. Every schema with an id
 * becomes an OpenAPI component.
 */
apiRegistry.add(commandSchema, {
  id: 'Command',
  description: 'A command, discriminated by `type` (pipkit `commandSchema`).',
});
for (const option of commandSchema.options) {
  apiRegistry.add(option, { id: componentName(option.shape.type.value, 'Command') });
}
apiRegistry.add(openPipSchema, {
  id: 'OpenPip',
  description: 'What opening a PIP needs (pipkit `openPipSchema`).',
});
apiRegistry.add(goalSchema, { id: 'Goal' });
apiRegistry.add(documentRefSchema, { id: 'DocumentRef' });
apiRegistry.add(roleSchema, { id: 'Role' });

const stateSchema = z.enum(PIP_STATES);

/** One reason in a refusal or problem. */
export const issueSchema = z
  .object({
    code: z.string(),
    path: z.array(z.union([z.string(), z.number()])).readonly(),
    message: z.string(),
  })
  .register(apiRegistry, { id: 'Issue' });

/** RFC 9457 problem details with pipkit's code and issue list. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string().describe("pipkit's stable error code (COMMAND_REFUSED, VERSION_CONFLICT...)"),
    issues: z.array(issueSchema).readonly(),
    retryable: z.boolean(),
  })
  .register(apiRegistry, { id: 'Problem' });

const deadlineKindSchema = z.enum(DEADLINE_KINDS);

/** What pipkit keeps beside each PIP for lists: what is overdue, the next deadline, since when. */
export const pipSummarySchema = z
  .object({
    overdue: z
      .array(z.object({ id: z.string(), kind: deadlineKindSchema, since: z.string() }))
      .readonly()
      .describe('Deadlines that fired while still owed, oldest first.'),
    next: z
      .object({ id: z.string(), kind: deadlineKindSchema, dueAt: z.string() })
      .optional()
      .describe('The earliest pending deadline (reminders aside).'),
    stateSince: z.string().describe('When the PIP entered its current state.'),
    closedAt: z.string().optional().describe('When it reached a final state.'),
  })
  .register(apiRegistry, { id: 'PipSummary' });

/** A PIP as stored: pipkit's envelope. */
export const pipRecordSchema = z
  .object({
    pipId: z.string(),
    employeeId: z.string(),
    managerId: z.string(),
    policyId: z.string(),
    policyVersion: z.number().int(),
    machineVersion: z.number().int(),
    state: stateSchema,
    context: pipContextSchema,
    version: z.number().int().describe('The number of events; send it back in If-Match.'),
    lastHash: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    summary: pipSummarySchema.optional(),
  })
  .register(apiRegistry, { id: 'PipRecord' });

/** One hash-chained event. */
export const storedEventSchema = z
  .object({
    pipId: z.string(),
    seq: z.number().int(),
    event: pipEventSchema,
    prevHash: z.string(),
    hash: z.string(),
  })
  .register(apiRegistry, { id: 'StoredEvent' });

/** What an accepted command (or `open`) returns. */
export const dispatchResponseSchema = z
  .object({
    pip: pipRecordSchema,
    events: z.array(storedEventSchema).readonly(),
    replayed: z
      .boolean()
      .describe(
        'True when the Idempotency-Key matched an earlier request: nothing new was written.',
      ),
  })
  .register(apiRegistry, { id: 'DispatchResult' });

/** What `explain` says. */
export const explanationSchema = z
  .object({
    accepted: z.boolean(),
    state: stateSchema,
    nextState: stateSchema.optional(),
    events: z.array(z.string()).readonly(),
    issues: z.array(issueSchema).readonly(),
  })
  .register(apiRegistry, { id: 'Explanation' });

export const timelineSchema = z
  .object({ pipId: z.string(), events: z.array(storedEventSchema).readonly() })
  .register(apiRegistry, { id: 'Timeline' });

/** `?locale=` of the timeline rows: a locale with a message catalogue in @pipkit/report. */
export const timelineRowsQuerySchema = z
  .object({
    locale: z
      .enum(LOCALES)
      .default('en')
      .describe('The language of the dates and sentences (default en).'),
  })
  .strict();

/** A PIP's history as rows to show (`timelineRows` of @pipkit/report). */
export const timelineRowsSchema = z
  .object({
    pipId: z.string(),
    locale: z.enum(LOCALES),
    timeZone: z.string().describe("The employee's IANA zone: the rows' local dates and times."),
    rows: z
      .array(
        z.object({
          seq: z.number().int(),
          at: z.string().describe('UTC ISO, as stored.'),
          localDate: z.string(),
          localTime: z.string(),
          type: z.string().describe('The event type (CHECK_IN_MISSED, ...).'),
          actor: z.object({ id: z.string(), role: roleSchema }),
          text: z.string().describe('What happened, in the locale.'),
        }),
      )
      .readonly(),
  })
  .register(apiRegistry, { id: 'TimelineRows' });

export const pipListSchema = z
  .object({
    items: z.array(pipRecordSchema).readonly(),
    nextAfter: z
      .string()
      .optional()
      .describe('Pass as `after` for the next page; absent on the last page.'),
  })
  .register(apiRegistry, { id: 'PipList' });

export const verificationSchema = z
  .object({
    pipId: z.string(),
    chain: z
      .custom<HistoryVerification>(() => true)
      .meta({ type: 'object', description: '`{ ok, events, break? }`: the first broken link.' }),
    replayMatches: z.boolean(),
    ok: z.boolean(),
  })
  .register(apiRegistry, { id: 'Verification' });

export const healthSchema = z.object({
  status: z.literal('ok'),
  store: z.string(),
});

/** The longest PIP id: `openPipSchema` accepts 1 to 128 characters, and so does every route. */
export const PIP_ID_MAX_LENGTH = 128;

/** `:id` of every PIP route: exactly the ids `POST /pips` accepts (pipkit `openPipSchema`). */
export const pipParamsSchema = z.object({ id: openPipSchema.shape.pipId.unwrap() });

export const listQuerySchema = z
  .object({
    state: stateSchema.optional(),
    employeeId: z.string().min(1).max(200).optional(),
    managerId: z.string().min(1).max(200).optional(),
    after: z
      .string()
      .min(1)
      .max(PIP_ID_MAX_LENGTH)
      .optional()
      .describe('Keyset paging: PIPs after this id.'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** `If-Match` (required) and `Idempotency-Key` (optional) on a command. */
export const commandHeadersSchema = z
  .object({
    'if-match': z
      .string()
      .regex(/^(\*|"\d+")$/, 'If-Match is the ETag you read, such as "4", or *')
      .describe(
        'Required (428 without it): the ETag of the version you read (`"4"`), or `*` to act on ' +
          'whatever is current.',
      ),
    'idempotency-key': z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        'A key unique to this request: a retry with the same key returns the first result.',
      ),
  })
  .loose();

/** `Idempotency-Key` (optional) when opening a PIP. */
export const openHeadersSchema = commandHeadersSchema.pick({ 'idempotency-key': true }).loose();

/** `If-None-Match` on reads that carry an ETag: the ETags the caller holds (304 when current). */
export const readHeadersSchema = z
  .object({
    'if-none-match': z
      .string()
      .max(1024)
      .optional()
      .describe('ETags you hold (`"4"`, or a list); the answer is 304 when one is current.'),
  })
  .loose();

/** Problem responses as they appear in the OpenAPI document. */
export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});
