/**
 * Redaction of personal data before anything reaches a log. One function, one documented list:
 * a field whose name is in {@link PERSONAL_FIELDS} is replaced by {@link REDACTED} wherever it
 * appears, the `id` of a person (an actor, employee, manager, witness, recipient) likewise, and an
 * error keeps only its name and stable codes, never its message or stack (pipkit's messages quote
 * ids). Logs are personal-data processing under UK GDPR Art. 5(1)(c) (data minimisation) and
 * Art. 32 (security of processing): what is not needed to run the service is not written.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Field names whose values are personal data or free text that may hold it, redacted at any
 * depth. Compared without case, `_` or `-` (`employee_id` is `employeeId`).
 *
 * - people: `employeeId`, `managerId`, `actorId`, `witnessId`, `representativeId`, `hrPartnerId`,
 *   `recipientId`, `userId`, `personId`, `name`, `firstName`, `lastName`, `fullName`,
 *   `displayName`, `givenName`, `familyName`, `email`, `emailAddress`, `phone`, `phoneNumber`,
 *   `address`, `recipients`, `to`, `cc`, `bcc`
 * - free text: `notes`, `note`, `comment`, `comments`, `text`, `description`, `measure`, `reason`,
 *   `details`, `body`, `message`, `stack`, `goals`
 * - documents and host references: `documents`, `document`, `documentRef`, `documentRefs`, `ref`,
 *   `sha256`, `documentSha256`, `hostRef`, `matterRef`, `evidence`, `instancesRelied`, `trigger`
 * - whole containers of the above: `context` (a PIP's context), `payload` (an outbox message's),
 *   `event`, `events`, `command`, `input`
 */
export const PERSONAL_FIELDS: readonly string[] = Object.freeze([
  'employeeId',
  'managerId',
  'actorId',
  'witnessId',
  'representativeId',
  'hrPartnerId',
  'recipientId',
  'userId',
  'personId',
  'name',
  'firstName',
  'lastName',
  'fullName',
  'displayName',
  'givenName',
  'familyName',
  'email',
  'emailAddress',
  'phone',
  'phoneNumber',
  'address',
  'recipients',
  'to',
  'cc',
  'bcc',
  'notes',
  'note',
  'comment',
  'comments',
  'text',
  'description',
  'measure',
  'reason',
  'details',
  'body',
  'message',
  'stack',
  'goals',
  'documents',
  'document',
  'documentRef',
  'documentRefs',
  'ref',
  'sha256',
  'documentSha256',
  'hostRef',
  'matterRef',
  'evidence',
  'instancesRelied',
  'trigger',
  'context',
  'payload',
  'event',
  'events',
  'command',
  'input',
]);

/**
 * Fields that hold a person: their `id` is redacted (and every other personal field in them, as
 * everywhere); a role or time zone stays.
 */
export const PERSON_FIELDS: readonly string[] = Object.freeze([
  'actor',
  'employee',
  'manager',
  'witness',
  'representative',
  'recipient',
  'user',
  'by',
  'recordedBy',
  'purgedBy',
  'unparkedBy',
]);

const normalize = (key: string) => key.replace(/[_-]/g, '').toLowerCase();
const personal = new Set(PERSONAL_FIELDS.map(normalize));
const persons = new Set(PERSON_FIELDS.map(normalize));

const MAX_DEPTH = 8;
const MAX_ITEMS = 100;

/** An error as a log may show it: its name and codes, never its text. */
function errorFacts(error: Error): Record<string, unknown> {
  const facts: Record<string, unknown> = { name: error.name };
  const { code, reason, retryable, issues } = error as {
    code?: unknown;
    reason?: unknown;
    retryable?: unknown;
    issues?: unknown;
  };
  if (typeof code === 'string' || typeof code === 'number') facts.code = code;
  if (typeof reason === 'string' && /^[A-Z][A-Z0-9_]*$/.test(reason)) facts.reason = reason;
  if (typeof retryable === 'boolean') facts.retryable = retryable;
  if (Array.isArray(issues)) {
    facts.issueCodes = issues
      .slice(0, MAX_ITEMS)
      .map((issue) => (issue as { code?: unknown } | null)?.code)
      .filter((issueCode): issueCode is string => typeof issueCode === 'string');
  }
  return facts;
}

function redactValue(value: unknown, depth: number, seen: Set<object>, person: boolean): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Error) return errorFacts(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return value.slice(0, MAX_ITEMS).map((item) => redactValue(item, depth + 1, seen, person));
    }
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      const name = normalize(key);
      if (personal.has(name) || (person && name === 'id')) out[key] = REDACTED;
      else out[key] = redactValue(field, depth + 1, seen, persons.has(name));
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * A copy of a log line's fields with every personal field redacted: names in
 * {@link PERSONAL_FIELDS} at any depth, the `id` of a person ({@link PERSON_FIELDS}), and errors
 * reduced to their name and codes. The input is never changed. The engine runs every log line
 * through it before the host's logger sees it; hosts may use it for their own lines.
 *
 * @example
 * ```ts
 * redact({ pipId: 'p-1', actor: { id: 'mgr-9', role: 'manager' }, reason: 'Off sick' });
 * // { pipId: 'p-1', actor: { id: '[REDACTED]', role: 'manager' }, reason: '[REDACTED]' }
 * ```
 */
export function redact(fields: object): Record<string, unknown> {
  const copy = redactValue(fields, 0, new Set(), false);
  return typeof copy === 'object' && copy !== null && !Array.isArray(copy)
    ? (copy as Record<string, unknown>)
    : { value: copy };
}
