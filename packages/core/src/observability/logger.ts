/**
 * The logger port: the subset of pino's API pipkit calls (https://getpino.io/#/docs/api), so a
 * pino logger is passed as it is, and any other logger with the same four methods works too. The
 * engine logs what an operator acts on (commit and store failures, faults and parked deadlines,
 * dead letters, sweep round summaries), each line redacted first ({@link redact}), and never lets
 * a logger's failure change an outcome.
 */
import { redact } from './redaction.js';

/** One level of a {@link Logger}: structured fields first, then the message, as pino takes them. */
export type LogFn = (fields: object, message?: string) => void;

/**
 * A pino-compatible logger (the engine's `logger` option): `debug`, `info`, `warn` and `error`
 * taking `(fields, message)`, and optionally `child(bindings)`.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const engine = createEngine({ store, policies, logger: pino() });
 * ```
 */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** When present, the engine logs through one child bound to `{ component: '@pipkit/core' }`. */
  child?(bindings: Record<string, unknown>): Logger;
}

/** What the engine logs through: redacting, and silent when the host gave no logger. @internal */
export interface EngineLog {
  /** False without a logger: callers skip building fields nobody reads. */
  readonly enabled: boolean;
  debug(message: string, fields: object): void;
  info(message: string, fields: object): void;
  warn(message: string, fields: object): void;
  error(message: string, fields: object): void;
}

const silent: EngineLog = {
  enabled: false,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * The engine's log over the host's `logger`: each line's fields redacted, the tenant added when
 * the host opted in (`tenantId`), and a logger that throws ignored. @internal
 */
export function engineLog(logger: Logger | undefined, tenantId?: string): EngineLog {
  if (!logger) return silent;
  const bindings: Record<string, unknown> = { component: '@pipkit/core' };
  let target = logger;
  let extra: Record<string, unknown> | undefined = bindings;
  if (typeof logger.child === 'function') {
    try {
      target = logger.child(bindings);
      extra = undefined;
    } catch {
      target = logger;
    }
  }
  const tenant = tenantId === undefined ? undefined : { tenantId };
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields: object): void => {
      try {
        const line = redact(fields);
        if (extra) Object.assign(line, extra);
        if (tenant) Object.assign(line, tenant);
        target[level](line, message);
      } catch {
        // The host's logger failed: logging is never the caller's outcome.
      }
    };
  return {
    enabled: true,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}
