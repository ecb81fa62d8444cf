import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Personal data the service never writes to its logs. pino replaces each path with
 * `[Redacted]` before a line is serialized, wherever the service (or a future edit) logs one of
 * these shapes: an actor, an open request, a command, a PIP record, or request headers.
 *
 * - who: the acting person's id, the employee's id, zone and calendar, the manager's id, a witness;
 * - what: goal descriptions and measures, document references, the host's leave, case or legal
 *   matter reference, meeting attendees and companions, cited instances, an extension's reason;
 * - how they authenticated: the actor, authorization and cookie headers.
 *
 * Kept (needed to operate the service, not personal): PIP ids, roles, command types, states,
 * versions, error codes, document kinds and hashes.
 */
export const REDACTED_PATHS: readonly string[] = [
  'actor.id',
  // Refused attempts keep role, action, PIP, time and codes here; a security sink keeps the id.
  'refusal.actor.id',
  'employee',
  'employeeId',
  'managerId',
  'witnessId',
  'goals',
  'documents[*].ref',
  'hostRef',
  'matterRef',
  'attendees',
  'companion',
  'reason',
  'command.goals',
  'command.documents[*].ref',
  'command.hostRef',
  'command.witnessId',
  'command.reason',
  'command.matterRef',
  'command.attendees',
  'command.companion',
  'command.instances',
  'pip.employeeId',
  'pip.managerId',
  'pip.context',
  'message.payload.employeeId',
  'message.payload.managerId',
  'req.headers["x-actor-id"]',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** Query parameters whose values are kept in logged URLs; every other value is personal or unknown. */
export const KEPT_QUERY_PARAMETERS: readonly string[] = ['state', 'limit', 'after', 'locale'];

/** A path segment kept in logged URLs: a route word or a PIP id. Anything else is replaced. */
const SAFE_SEGMENT = /^[A-Za-z0-9_.:-]{0,128}$/;

/**
 * Replaces personal or unexpected parts of a URL (`?employeeId=[Redacted]`, a path segment that
 * is not an id): query values other than {@link KEPT_QUERY_PARAMETERS}, and segments a caller
 * filled with something else than an id.
 */
export function redactUrl(url: string): string {
  const question = url.indexOf('?');
  const path = (question < 0 ? url : url.slice(0, question))
    .split('/')
    .map((segment) => (SAFE_SEGMENT.test(segment) ? segment : '[Redacted]'))
    .join('/');
  if (question < 0) return path;
  const params = new URLSearchParams(url.slice(question + 1));
  for (const name of [...params.keys()]) {
    if (!KEPT_QUERY_PARAMETERS.includes(name)) params.set(name, '[Redacted]');
  }
  return `${path}?${params.toString()}`;
}

interface LoggedRequest {
  method: string;
  url: string;
  id?: string;
  headers?: Record<string, string | string[] | undefined>;
}

/**
 * The service's pino logger: JSON lines, personal data redacted ({@link REDACTED_PATHS}), request
 * URLs with personal query values replaced. Pass a destination to capture the lines (tests do).
 */
export function createLogger(
  options: { readonly level?: string; readonly destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: [...REDACTED_PATHS], censor: '[Redacted]' },
      serializers: {
        // Fastify's default request serializer logs the raw URL; this one redacts its query and
        // logs the role (never the actor id).
        req: (request: LoggedRequest) => ({
          method: request.method,
          url: redactUrl(request.url),
          role: request.headers?.['x-actor-role'],
        }),
      },
    },
    options.destination,
  );
}
