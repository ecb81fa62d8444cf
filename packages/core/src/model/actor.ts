import { z } from 'zod';

/**
 * Who acts. `employee` is the person on the plan, `manager` their line manager, `seniorManager`
 * someone above the proposer (federal concurrence), `hr` and `legal` the people functions, and
 * `system` the timer sweep and integrations.
 */
export const roleSchema = z.enum(['employee', 'manager', 'seniorManager', 'hr', 'legal', 'system']);

/** A role an actor acts in. */
export type Role = z.infer<typeof roleSchema>;

/**
 * A host's identifier (a person, a key): 1 to 200 characters without control characters, which
 * no database column, log line or header should have to carry.
 */
export const hostIdSchema = z
  .string()
  .min(1)
  .max(200)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'Identifiers cannot contain control characters');

/** The person (or system) behind a command or a read. */
export const actorSchema = z
  .object({
    /** The host's stable id for the person. */
    id: hostIdSchema,
    /** The role they act in for this request. */
    role: roleSchema,
  })
  .strict();

/** The person (or system) behind a command or a read. */
export type Actor = z.infer<typeof actorSchema>;

/**
 * The roles that read every PIP of the tenant under the default authorizer: those whose job is
 * the process itself (HR, legal, and the system's own sweep and integrations). Everyone else
 * reads only the plans they are part of. A host narrows it with `tenantWideReaders`.
 */
export const DEFAULT_TENANT_WIDE_READERS: readonly Role[] = Object.freeze([
  'hr',
  'legal',
  'system',
]);
