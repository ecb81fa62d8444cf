/**
 * Invites from the engine's calendar messages: `pip.checkIn.*` and `pip.meeting.*` carry each
 * occurrence's local date, time, zone and SEQUENCE, so a delivery handler writes the invite of
 * the one message it is given, without reading the PIP's history.
 */
import type { CalendarMessageType, DeliveredMessage, MessageOf } from '@pipkit/core';
import { checkOptions, type Invite, type InviteOptions, inviteOf } from './invites.js';
import type { Occurrence } from './occurrences.js';

/** A calendar message of the catalogue: a check-in or meeting scheduled, moved or cancelled. */
export type CalendarMessage = { [T in CalendarMessageType]: MessageOf<T> }[CalendarMessageType];

/** True for a calendar message (`pip.checkIn.*`, `pip.meeting.*`): one {@link inviteForMessage} takes. */
export function isCalendarMessage(
  message: Pick<DeliveredMessage, 'type'> | CalendarMessage,
): message is CalendarMessage {
  return /^pip\.(checkIn|meeting)\.(scheduled|moved|cancelled)$/.test(message.type);
}

/**
 * The invite one calendar message asks for: a REQUEST for `scheduled` and `moved` (the same UID,
 * a higher SEQUENCE), a CANCEL for `cancelled`. The UID and SEQUENCE are those
 * {@link invitesFor} gives the same occurrence from the PIP's history, so the two agree.
 *
 * @example
 * ```ts
 * await engine.relay(async (message) => {
 *   if (isCalendarMessage(message)) {
 *     const invite = inviteForMessage(message, { domain: 'pip.example.com' });
 *     await mail.send(invite.ics, invite.method);
 *   }
 * });
 * ```
 */
export function inviteForMessage(message: CalendarMessage, options: InviteOptions): Invite {
  checkOptions(options);
  const { payload } = message;
  const { occurrence } = payload;
  const meeting = message.type.startsWith('pip.meeting.');
  const entry: Occurrence = {
    pipId: message.pipId,
    deadlineId: occurrence.id,
    kind: meeting ? 'meeting' : 'checkIn',
    ...(occurrence.number === undefined ? {} : { number: occurrence.number }),
    ...(occurrence.meetingId === undefined ? {} : { meetingId: occurrence.meetingId }),
    ...(occurrence.meetingKind === undefined ? {} : { meetingKind: occurrence.meetingKind }),
    ...(occurrence.start === undefined ? {} : { start: occurrence.start }),
    date: occurrence.date,
    timeZone: occurrence.timeZone,
    status: message.type.endsWith('.cancelled') ? 'cancelled' : 'scheduled',
    sequence: payload.sequence,
    changedAt: message.createdAt,
    changedSeq: payload.seq,
  };
  return inviteOf(entry, options);
}
