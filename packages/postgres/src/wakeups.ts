/**
 * Wake-ups across engines: a commit that leaves the workers something to do now sends
 * `pg_notify(channel, payload)` in its own transaction (so only a commit that happened is heard,
 * when it is durable), and the store's wake-up source holds one pooled connection that `LISTEN`s
 * on the channel, reconnecting after a failure with a doubling backoff.
 *
 * The payload is `{"kind":"timer"|"outbox","tenant":"<tenant id>"}`: no PIP, person or message,
 * and at most about 240 bytes (a tenant id has at most 200 characters), far below NOTIFY's
 * 8000-byte limit (PostgreSQL docs, "NOTIFY"). Notifications with identical payloads in one
 * transaction are delivered once, so a batch of commits sends at most one per tenant and kind.
 * @module
 */
import { createHash } from 'node:crypto';
import {
  type CommitRequest,
  StoreError,
  StoreErrorReasons,
  type Wakeup,
  type WakeupListener,
  type WakeupSource,
  wakeupKindsOf,
} from '@pipkit/core/adapter';
import { quoteLiteral } from './boundedSql.js';
import { isPlainIdentifier } from './migrations.js';
import type { PgPool, PgPoolClient } from './pgDriver.js';

/** How a store's wake-ups work (`postgresStore({ wakeups })`). */
export interface PostgresWakeupOptions {
  /**
   * The NOTIFY channel: a plain lowercase identifier of at most 63 characters. Default
   * `<schema>_wakeups` (or `pipkit_wakeups_<hash of the schema>` when that is too long), so
   * stores on different schemas of one database never wake each other.
   */
  readonly channel?: string;
  /** The wait before listening again after the connection failed: doubling, in ms. */
  readonly reconnect?: {
    /** The first wait (default 500; 1 to 600,000). */
    readonly initialMs?: number;
    /** The longest wait (default 30,000; 1 to 600,000). */
    readonly maxMs?: number;
  };
}

/** The default channel of a schema's wake-ups. */
export function wakeupChannel(schema: string): string {
  const plain = `${schema}_wakeups`;
  if (plain.length <= 63) return plain;
  return `pipkit_wakeups_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
}

/** True for a usable channel name: a plain identifier within NAMEDATALEN. */
export function isWakeupChannel(channel: string): boolean {
  return isPlainIdentifier(channel);
}

/**
 * The `SELECT pg_notify(...)` statements one commit's (or batch's) requests call for, ready to
 * prefix the commit's statement in the same transaction; empty when they call for none.
 */
export function notifyStatements(
  channel: string,
  tenantId: string,
  requests: readonly CommitRequest[],
): string {
  const kinds = new Set(requests.flatMap((request) => wakeupKindsOf(request)));
  return [...kinds]
    .map(
      (kind) =>
        `SELECT pg_notify(${quoteLiteral(channel)}, ${quoteLiteral(JSON.stringify({ kind, tenant: tenantId }))}); `,
    )
    .join('');
}

/** A pooled connection that can hear notifications (`pg.PoolClient`). */
interface ListeningClient extends PgPoolClient {
  on(
    event: 'notification',
    listener: (message: { channel: string; payload?: string }) => void,
  ): unknown;
  on(event: 'error' | 'end', listener: (error?: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
}

/** The wake-up source of a store, and how to let its connection go. @internal */
export interface ListeningSource extends WakeupSource {
  /** Resolves once the `LISTEN` is in place; rejects while it cannot be (it keeps trying). */
  ready(): Promise<void>;
  /** Stops listening and returns the connection to the pool. */
  close(): Promise<void>;
}

/** Reads a notification's payload; `undefined` for one not written by a pipkit commit. */
function wakeupOf(payload: string | undefined): Wakeup | undefined {
  try {
    const parsed = JSON.parse(payload ?? '') as { kind?: unknown; tenant?: unknown };
    if (parsed.kind !== 'timer' && parsed.kind !== 'outbox') return undefined;
    return typeof parsed.tenant === 'string'
      ? { kind: parsed.kind, tenantId: parsed.tenant }
      : { kind: parsed.kind };
  } catch {
    return undefined;
  }
}

/**
 * The wake-ups of `channel` on `pool`: one connection, checked out on the first subscription
 * and returned when the last one ends, that `LISTEN`s on the channel. When the connection fails
 * it is destroyed and listening starts again after the backoff; once it listens again every
 * subscriber hears one wake-up of each kind, for the commits it may have missed. @internal
 */
export function listenOn(
  pool: PgPool,
  channel: string,
  options: PostgresWakeupOptions['reconnect'] = {},
): ListeningSource {
  const initialMs = options.initialMs ?? 500;
  const maxMs = options.maxMs ?? 30_000;
  const listeners = new Set<WakeupListener>();
  let client: ListeningClient | undefined;
  let connecting: Promise<void> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let missed = false;

  const publish = (wakeup: Wakeup) => {
    for (const listener of [...listeners]) {
      try {
        listener(Object.freeze({ ...wakeup }));
      } catch {
        // A listener's failure is its own.
      }
    }
  };

  const dropClient = (error?: Error) => {
    const lost = client;
    client = undefined;
    if (!lost) return;
    lost.removeAllListeners('notification');
    lost.removeAllListeners('error');
    lost.removeAllListeners('end');
    // Keep a handler: a late error on the destroyed connection must not crash the process.
    lost.on('error', () => undefined);
    lost.release(error ?? true);
  };

  const scheduleRetry = () => {
    if (retry !== undefined || listeners.size === 0) return;
    const wait = Math.min(maxMs, initialMs * 2 ** Math.min(failures, 30));
    failures += 1;
    missed = true;
    retry = setTimeout(() => {
      retry = undefined;
      void listen().catch(() => undefined);
    }, wait);
    // The retry alone never keeps a process alive.
    (retry as { unref?: () => void }).unref?.();
  };

  const listen = (): Promise<void> => {
    if (client || listeners.size === 0) return Promise.resolve();
    connecting ??= (async () => {
      let candidate: ListeningClient | undefined;
      try {
        candidate = (await pool.connect()) as ListeningClient;
        candidate.on('notification', (message) => {
          if (message.channel !== channel) return;
          const wakeup = wakeupOf(message.payload);
          if (wakeup) publish(wakeup);
        });
        const lost = (error?: Error) => {
          if (client !== candidate) return;
          dropClient(error);
          scheduleRetry();
        };
        candidate.on('error', lost);
        candidate.on('end', lost);
        await candidate.query(`LISTEN "${channel}"`);
      } catch (error) {
        if (candidate) {
          candidate.removeAllListeners('notification');
          candidate.on('error', () => undefined);
          candidate.release(error instanceof Error ? error : true);
        }
        scheduleRetry();
        throw new StoreError(
          `Cannot listen for wake-ups on "${channel}": ${error instanceof Error ? error.message : String(error)}; trying again.`,
          { retryable: true, reason: StoreErrorReasons.UNAVAILABLE, cause: error },
        );
      }
      client = candidate;
      failures = 0;
      if (listeners.size === 0) {
        await stopListening();
        return;
      }
      if (missed) {
        missed = false;
        publish({ kind: 'timer' });
        publish({ kind: 'outbox' });
      }
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  const stopListening = async () => {
    if (retry !== undefined) clearTimeout(retry);
    retry = undefined;
    const listening = client;
    if (!listening) return;
    client = undefined;
    listening.removeAllListeners('notification');
    listening.removeAllListeners('error');
    listening.on('error', () => undefined);
    try {
      await listening.query(`UNLISTEN "${channel}"`);
      listening.release();
    } catch (error) {
      listening.release(error instanceof Error ? error : true);
    }
  };

  return {
    subscribe(listener) {
      const entry: WakeupListener = (wakeup) => listener(wakeup);
      listeners.add(entry);
      void listen().catch(() => undefined);
      return () => {
        if (!listeners.delete(entry) || listeners.size > 0) return;
        void (connecting ?? Promise.resolve())
          .catch(() => undefined)
          .then(() => (listeners.size === 0 ? stopListening() : undefined));
      };
    },
    ready() {
      if (client || listeners.size === 0) return Promise.resolve();
      if (connecting) return connecting;
      if (retry === undefined) return listen();
      return Promise.reject(
        new StoreError(`Not listening for wake-ups on "${channel}" yet; trying again.`, {
          retryable: true,
          reason: StoreErrorReasons.UNAVAILABLE,
        }),
      );
    },
    async close() {
      listeners.clear();
      await connecting?.catch(() => undefined);
      await stopListening();
    },
  };
}
