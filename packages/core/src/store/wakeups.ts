/**
 * Wake-ups: a store tells the workers that a commit left them something to do now (a deadline
 * already due, a message to deliver), so they need not wait for their next poll. A wake-up names
 * only the tenant and the kind of work: never a PIP, a person or a payload.
 */
import type { CommitRequest } from './pipStore.js';

/** What a wake-up is about: a due deadline to fire, or an outbox message to deliver. */
export type WakeupKind = 'timer' | 'outbox';

/** One wake-up: which tenant has work (absent for a store without tenants) and of which kind. */
export interface Wakeup {
  readonly kind: WakeupKind;
  readonly tenantId?: string;
}

/** Hears wake-ups. Called synchronously by the source; it should only schedule work. */
export type WakeupListener = (wakeup: Wakeup) => void;

/**
 * A source of wake-ups, as a store exposes it: `subscribe` returns the function that ends the
 * subscription. Memory and SQLite stores hear their own commits (one process); the Postgres store
 * hears every engine's commits on the database through `LISTEN`.
 */
export interface WakeupSource {
  /** Calls `listener` for each wake-up until the returned function is called. */
  subscribe(listener: WakeupListener): () => void;
  /**
   * Optional: resolves once the subscriptions made so far hear every later commit (Postgres: its
   * `LISTEN` is in place); rejects when they cannot yet (the source keeps trying). A worker
   * awaits it before its first round, so no commit falls between that round's reads and the
   * first wake-up it can hear.
   */
  ready?(): Promise<void>;
}

/** The store port's optional wake-up capability. */
export interface WakeupCapabilities {
  /**
   * Optional capability: wake-ups on commits that write an outbox message or set a deadline due
   * within {@link WAKEUP_HORIZON_MS} of the commit's instant. Without it a worker only polls.
   */
  readonly wakeups?: WakeupSource;
}

/**
 * How far past a commit's instant a deadline it sets may be due and still wake the workers
 * (1 second): a deadline written already due (a late-recorded command, a catch-up after a pause)
 * with room for the clocks of two engines being a little apart. Later deadlines are found by the
 * workers' poll.
 */
export const WAKEUP_HORIZON_MS = 1000;

/**
 * The kinds of wake-up one commit calls for: `'timer'` when it sets a deadline due at or before
 * its own instant (the record's `updatedAt`) plus `horizonMs`, `'outbox'` when it writes a
 * message. Empty for a commit that leaves the workers nothing new to do now.
 *
 * @example
 * ```ts
 * for (const kind of wakeupKindsOf(request)) hub.publish({ kind });
 * ```
 */
export function wakeupKindsOf(
  request: CommitRequest,
  horizonMs: number = WAKEUP_HORIZON_MS,
): WakeupKind[] {
  const kinds: WakeupKind[] = [];
  const at = Date.parse(request.record.updatedAt);
  if (
    Number.isFinite(at) &&
    request.timers.set.some((timer) => Date.parse(timer.dueAt) <= at + horizonMs)
  ) {
    kinds.push('timer');
  }
  if (request.outbox.length > 0) kinds.push('outbox');
  return kinds;
}

/** An in-process {@link WakeupSource} that a store publishes to. */
export interface WakeupHub extends WakeupSource {
  /** Tells every listener; a listener that throws is not this publisher's problem. */
  publish(wakeup: Wakeup): void;
  /** How many listeners are subscribed (a store skips the work when none are). */
  readonly listeners: number;
}

/**
 * An in-process wake-up hub, shared by a store and the stores it scopes to tenants, so that a
 * worker on the root store hears every tenant's commits.
 *
 * @example
 * ```ts
 * const hub = wakeupHub();
 * const unsubscribe = hub.subscribe((wakeup) => console.log(wakeup.kind));
 * hub.publish({ kind: 'outbox' });
 * unsubscribe();
 * ```
 */
export function wakeupHub(): WakeupHub {
  const listeners = new Set<WakeupListener>();
  return {
    subscribe(listener) {
      const entry: WakeupListener = (wakeup) => listener(wakeup);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    publish(wakeup) {
      for (const listener of [...listeners]) {
        try {
          listener(Object.freeze({ ...wakeup }));
        } catch {
          // A listener's failure is its own: the commit that published has already happened.
        }
      }
    },
    get listeners() {
      return listeners.size;
    },
  };
}

/** Publishes the wake-ups a batch of committed requests calls for, once per kind. @internal */
export function publishCommitted(
  hub: WakeupHub,
  requests: readonly CommitRequest[],
  tenantId: string | undefined,
): void {
  if (hub.listeners === 0) return;
  const kinds = new Set(requests.flatMap((request) => wakeupKindsOf(request)));
  for (const kind of kinds) hub.publish(tenantId === undefined ? { kind } : { kind, tenantId });
}
