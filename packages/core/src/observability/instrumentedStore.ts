/**
 * The store port wrapped once, when the engine is built: every call of a port method runs in a
 * `pipkit.store.<method>` span, a child of the engine operation that made it, and a store failure
 * is logged with its code. Members the wrapper does not know (an adapter's own, or a capability
 * added later) are passed through unchanged, so wrapping never hides a capability.
 */
import type { Span } from '@opentelemetry/api';
import { isPipkitError } from '../errors/pipkitError.js';
import type { PipStore } from '../store/pipStore.js';
import type { EngineLog } from './logger.js';
import { errorType, inSpan, type Telemetry } from './telemetry.js';
import { SpanNames, TelemetryAttributes } from './telemetryNames.js';

/** The port methods that get a span: every asynchronous method of {@link PipStore}. */
export const TRACED_STORE_METHODS: readonly string[] = Object.freeze([
  'load',
  'loadMany',
  'listEntries',
  'readEvents',
  'commit',
  'commitMany',
  'getIdempotency',
  'list',
  'queryPips',
  'countPips',
  'reportPips',
  'dueTimers',
  'claimDueTimers',
  'pendingOutbox',
  'claimOutbox',
  'markOutboxDelivered',
  'compactOutbox',
  'purge',
  'inspect',
  'recordTimerFault',
  'resetTimerFaults',
  'recordOutboxFailure',
  'deadLetterOutbox',
  'listDeadLetters',
  'retryDeadLetter',
  'discardDeadLetter',
]);
const traced = new Set(TRACED_STORE_METHODS);

/** Every member name of `store`, its own and its prototypes' (a class-based adapter's methods). */
function memberNames(store: object): string[] {
  const names = new Set<string>();
  for (
    let level: object | null = store;
    level !== null && level !== Object.prototype;
    level = Object.getPrototypeOf(level) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(level)) {
      if (name !== 'constructor') names.add(name);
    }
  }
  return [...names];
}

/** True for a failure of the store itself, not a refusal it rightly made (a version conflict). */
function isStoreFailure(error: unknown): boolean {
  return !isPipkitError(error) || error.code === 'STORE_ERROR';
}

/**
 * `store` with a span around each port method call and its failures logged. Non-method members
 * (`tenantId`, `concurrentCommits`) are read through from the store, so they stay live. @internal
 */
export function instrumentStore(store: PipStore, telemetry: Telemetry, log: EngineLog): PipStore {
  const wrapped: Record<string, unknown> = {};
  const source = store as unknown as Record<string, unknown>;
  const rows = (span: Span, result: unknown) => {
    if (Array.isArray(result)) span.setAttribute(TelemetryAttributes.STORE_ROWS, result.length);
  };
  for (const name of memberNames(store)) {
    const member = source[name];
    if (typeof member !== 'function') {
      Object.defineProperty(wrapped, name, { enumerable: true, get: () => source[name] });
      continue;
    }
    const method = member as (...args: unknown[]) => unknown;
    if (!traced.has(name)) {
      wrapped[name] = method.bind(store);
      continue;
    }
    const spanName = SpanNames.STORE_PREFIX + name;
    const attributes = { [TelemetryAttributes.STORE_METHOD]: name };
    // Only a logger needs the failure seen here; without one the store's promise goes as it is.
    const call = log.enabled
      ? (args: unknown[]) =>
          (method.apply(store, args) as Promise<unknown>).catch((error: unknown) => {
            if (isStoreFailure(error)) {
              log.error('store call failed', { method: name, code: errorType(error), error });
            }
            throw error;
          })
      : (args: unknown[]) => method.apply(store, args) as Promise<unknown>;
    wrapped[name] = (...args: unknown[]) =>
      inSpan(telemetry, spanName, attributes, () => call(args), rows);
  }
  return wrapped as unknown as PipStore;
}
