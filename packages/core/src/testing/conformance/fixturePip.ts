// Imported by package name, not by path: adapters throw the errors of the one @pipkit/core they
// load, and the suite must build its fixtures from the same copy.
import {
  type Deadline,
  GENESIS_HASH,
  hashEvent,
  MACHINE_VERSION,
  type PipEvent,
  type PipRecord,
  type PipState,
  replayEvents,
  type StoredEvent,
  type TimerRow,
} from '@pipkit/core';
import { type CommitRequest, NO_PIP_YET } from '@pipkit/core/adapter';

const T0 = Date.parse('2026-03-02T14:00:00.000Z');

/** The fixture instant `minutes` after the suite's epoch (2026-03-02T14:00Z), as a UTC ISO string. */
export const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

const actor = { id: 'hr-1', role: 'hr' } as const;

/** A deadline named `id`, due `minute` minutes after the suite's epoch. */
export const deadline = (id: string, minute: number): Deadline => ({
  id,
  kind: id.startsWith('checkIn') ? 'checkIn' : 'planEnd',
  dueAt: at(minute),
  date: at(minute).slice(0, 10),
});

/** What a fixture commit carries besides its events. */
export interface FixtureCommitExtras {
  state?: PipState;
  /** Deadlines to set (timer rows of the same id are replaced). */
  deadlines?: Deadline[];
  /** Deadline ids to clear. */
  clear?: string[];
  /** How many outbox messages to write. */
  outbox?: number;
  /** An idempotency key to record. */
  key?: string;
  /** The minute the commit happens at; defaults to the PIP's version. */
  minute?: number;
}

function chainEvents(
  pipId: string,
  version: number,
  prevHash: string,
  events: readonly PipEvent[],
): StoredEvent[] {
  let previous = prevHash;
  return events.map((event, index) => {
    const seq = version + index + 1;
    const hash = hashEvent(pipId, seq, event, previous);
    const stored = { pipId, seq, event, prevHash: previous, hash };
    previous = hash;
    return stored;
  });
}

/** A synthetic PIP history builder: real events, real hashes, nothing the store interprets. */
export class FixturePip {
  record: PipRecord | undefined;
  constructor(
    readonly pipId: string,
    readonly employeeId = `emp-${pipId}`,
    readonly managerId = 'mgr-1',
  ) {}

  get version(): number {
    return this.record?.version ?? NO_PIP_YET;
  }

  /** A commit appending `count` events (the first commit creates the PIP). */
  commit(count: number, extra: FixtureCommitExtras = {}): CommitRequest {
    const minute = extra.minute ?? this.version;
    const events = this.newEvents(count, minute);
    const stored = chainEvents(
      this.pipId,
      this.version,
      this.record?.lastHash ?? GENESIS_HASH,
      events,
    );
    const last = stored[stored.length - 1] as StoredEvent;
    return {
      pipId: this.pipId,
      expectedVersion: this.version,
      record: this.nextRecord(events, last, extra, minute),
      events: stored,
      timers: {
        set: (extra.deadlines ?? []).map((due) => this.timerRow(due)),
        clear: (extra.clear ?? []).map((id) => `${this.pipId}/${id}`),
      },
      outbox: Array.from({ length: extra.outbox ?? 0 }, (_, index) => ({
        id: `${this.pipId}:${last.seq}:${index}`,
        pipId: this.pipId,
        type: 'notification',
        payload: { template: 'fixture', index },
        createdAt: at(minute),
      })),
      ...(extra.key
        ? {
            idempotency: {
              key: extra.key,
              pipId: this.pipId,
              requestHash: 'b'.repeat(64),
              version: last.seq,
              seqs: stored.map((event) => event.seq),
            },
          }
        : {}),
    };
  }

  /** Records that a commit was accepted, so the next one follows it. */
  accept(commit: CommitRequest): CommitRequest {
    this.record = commit.record;
    return commit;
  }

  /** The timer row the store keeps for one of this PIP's deadlines. */
  timerRow(due: Deadline): TimerRow {
    return {
      timerId: `${this.pipId}/${due.id}`,
      pipId: this.pipId,
      deadlineId: due.id,
      kind: due.kind,
      dueAt: due.dueAt,
    };
  }

  private newEvents(count: number, minute: number): PipEvent[] {
    const events: PipEvent[] = [];
    if (!this.record) {
      events.push({
        type: 'PIP_CREATED',
        at: at(minute),
        actor,
        pipId: this.pipId,
        employee: { id: this.employeeId, timeZone: 'Europe/London' },
        managerId: this.managerId,
        policy: { id: 'fixture', version: 1 },
        goals: [{ id: 'g1', description: 'Ship the fixture', measure: 'It exists' }],
      });
    }
    while (events.length < count) {
      events.push({
        type: 'DOCUMENTS_ATTACHED',
        at: at(minute),
        actor,
        documents: [
          { kind: 'note', ref: `ref-${this.version + events.length}`, sha256: 'a'.repeat(64) },
        ],
      });
    }
    return events;
  }

  private nextRecord(
    events: readonly PipEvent[],
    last: StoredEvent,
    extra: FixtureCommitExtras,
    minute: number,
  ): PipRecord {
    const baseContext = this.record?.context ?? replayEvents([events[0] as PipEvent]).context;
    const deadlines = { ...baseContext.deadlines };
    for (const id of extra.clear ?? []) delete deadlines[id];
    for (const due of extra.deadlines ?? []) deadlines[due.id] = due;
    return {
      pipId: this.pipId,
      employeeId: this.employeeId,
      managerId: this.managerId,
      policyId: 'fixture',
      policyVersion: 1,
      machineVersion: MACHINE_VERSION,
      state: extra.state ?? this.record?.state ?? 'draft',
      context: { ...baseContext, deadlines },
      version: last.seq,
      lastHash: last.hash,
      createdAt: this.record?.createdAt ?? at(minute),
      updatedAt: at(minute),
    };
  }
}
