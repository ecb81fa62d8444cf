/**
 * The check-ins and meetings of one PIP, folded from its stored events: each occurrence with the
 * time pipkit scheduled it at, whether it still stands, and how many times it changed. Pure: it
 * reads only the events, so the same history always gives the same occurrences.
 */
import { type Deadline, occurrenceCompletedBy, type StoredEvent } from '@pipkit/core';
import { DeliveryIssueCodes, invalidOption } from '../errors.js';

/** What an occurrence is: a check-in of the plan's cadence, or a meeting the host scheduled. */
export type OccurrenceKind = 'checkIn' | 'meeting';

/**
 * Where an occurrence stands: `scheduled` (it will happen), `done` (held, missed or recorded; its
 * time has come), or `cancelled` (withdrawn: a cancelled meeting, a check-in a pause or an outcome
 * took away).
 */
export type OccurrenceStatus = 'scheduled' | 'done' | 'cancelled';

/** One check-in or meeting of a PIP, as the events leave it. */
export interface Occurrence {
  readonly pipId: string;
  /** The pipkit deadline id, stable for the occurrence's life: `checkIn:2`, `meeting:rev-1`. */
  readonly deadlineId: string;
  readonly kind: OccurrenceKind;
  /** The check-in's number, for a check-in. */
  readonly number?: number;
  /** The host's meeting id and the policy's meeting kind (`hearing`), for a meeting. */
  readonly meetingId?: string;
  readonly meetingKind?: string;
  /**
   * When it starts, UTC ISO: the deadline's `scheduledAt` (the local time resolved in the
   * employee's zone). Absent for an all-day occurrence (a deadline written without one).
   */
  readonly start?: string;
  /** Its local date in the employee's zone, `YYYY-MM-DD`. */
  readonly date: string;
  /** The employee's IANA zone, from the PIP's creation. */
  readonly timeZone: string;
  readonly status: OccurrenceStatus;
  /**
   * The iCalendar `SEQUENCE` (RFC 5545 s.3.8.7.4): the `seq` of the event that last changed what
   * a calendar shows (the first invitation, each move, each cancellation and each reinstatement:
   * a pause takes a check-in away, the resume puts it back, usually later). It grows with every
   * change, and it is the `sequence` of the engine's `pip.checkIn.*` and `pip.meeting.*`
   * messages, so invites built from the history and from the messages agree.
   */
  readonly sequence: number;
  /** The `at` of the event that last changed it, UTC ISO (the iCalendar `DTSTAMP`). */
  readonly changedAt: string;
  /** The `seq` of that event. */
  readonly changedSeq: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const isInvited = (kind: string) => kind === 'checkIn' || kind === 'meeting';
const isInvitedId = (id: string) => id.startsWith('checkIn:') || id.startsWith('meeting:');

/**
 * The check-ins and meetings of one PIP's history (`engine.history`), in the order they were
 * first scheduled. Throws a `ValidationError` (`INVITE_HISTORY_INVALID`) for events of several
 * PIPs, out of order, or not starting at the PIP's creation.
 *
 * @example
 * ```ts
 * const occurrences = occurrencesOf(await engine.history(pipId, { actor }));
 * occurrences.filter((entry) => entry.status === 'scheduled');
 * ```
 */
export function occurrencesOf(events: readonly StoredEvent[]): Occurrence[] {
  const first = events[0];
  if (!first) return [];
  if (first.event.type !== 'PIP_CREATED' || first.seq !== 1) {
    invalidOption(
      DeliveryIssueCodes.INVITE_HISTORY_INVALID,
      ['events', 0],
      'Invites are derived from the whole history: pass every event of the PIP, from its PIP_CREATED (seq 1).',
    );
  }
  const timeZone = first.event.employee.timeZone;
  const occurrences = new Map<string, Mutable<Occurrence>>();
  const meetingKinds = new Map<string, string>();
  events.forEach((stored, index) => {
    if (stored.pipId !== first.pipId || stored.seq !== index + 1) {
      invalidOption(
        DeliveryIssueCodes.INVITE_HISTORY_INVALID,
        ['events', index],
        `Event ${index} is seq ${stored.seq} of PIP "${stored.pipId}": expected seq ${index + 1} of "${first.pipId}", oldest first.`,
      );
    }
    const { event } = stored;
    if (event.type === 'MEETING_SCHEDULED') meetingKinds.set(event.meetingId, event.meeting.kind);
    const set = (event.deadlines?.set ?? []).filter((deadline) => isInvited(deadline.kind));
    const setIds = new Set(set.map((deadline) => deadline.id));
    for (const id of event.deadlines?.clear ?? []) {
      const occurrence = occurrences.get(id);
      if (!isInvitedId(id) || setIds.has(id) || occurrence?.status !== 'scheduled') continue;
      if (occurrenceCompletedBy(event, id)) {
        occurrence.status = 'done';
      } else {
        occurrence.status = 'cancelled';
        touch(occurrence, stored);
      }
    }
    for (const deadline of set) {
      const known = occurrences.get(deadline.id);
      if (!known) {
        occurrences.set(deadline.id, created(stored, deadline, timeZone, meetingKinds));
      } else if (
        known.status === 'cancelled' ||
        (deadline.scheduledAt ?? deadline.date) !== (known.start ?? known.date)
      ) {
        known.status = 'scheduled';
        setTime(known, deadline);
        touch(known, stored);
      }
    }
  });
  return [...occurrences.values()];
}

function setTime(occurrence: Mutable<Occurrence>, deadline: Deadline): void {
  occurrence.date = deadline.date;
  if (deadline.scheduledAt === undefined) delete occurrence.start;
  else occurrence.start = deadline.scheduledAt;
}

function touch(occurrence: Mutable<Occurrence>, stored: StoredEvent): void {
  occurrence.sequence = stored.seq;
  occurrence.changedAt = stored.event.at;
  occurrence.changedSeq = stored.seq;
}

function created(
  stored: StoredEvent,
  deadline: Deadline,
  timeZone: string,
  meetingKinds: ReadonlyMap<string, string>,
): Mutable<Occurrence> {
  const rest = deadline.id.slice(deadline.id.indexOf(':') + 1);
  const occurrence: Mutable<Occurrence> = {
    pipId: stored.pipId,
    deadlineId: deadline.id,
    kind: deadline.kind === 'meeting' ? 'meeting' : 'checkIn',
    date: deadline.date,
    timeZone,
    status: 'scheduled',
    sequence: stored.seq,
    changedAt: stored.event.at,
    changedSeq: stored.seq,
  };
  if (occurrence.kind === 'checkIn') {
    const number = Number(rest);
    if (Number.isSafeInteger(number)) occurrence.number = number;
  } else {
    occurrence.meetingId = rest;
    const kind = meetingKinds.get(rest);
    if (kind !== undefined) occurrence.meetingKind = kind;
  }
  setTime(occurrence, deadline);
  return occurrence;
}
