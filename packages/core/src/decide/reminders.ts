import { DateTime } from 'luxon';
import type { Calendar } from '../calendar/calendar.js';
import type { Deadline, DeadlineChanges, PipContext, PipEvent } from '../machine/types.js';
import type { PolicyDocument } from '../policy/policySchema.js';

/** The id of reminder `index` of a deadline. */
const reminderId = (target: string, index: number) => `reminder:${target}:${index}`;

/**
 * When reminder `offset` before `target` falls: `hours` of absolute time before it, or the same
 * local wall-clock time `calendarDays` local days earlier. Check-ins count back from the meeting.
 */
function reminderAt(
  target: Deadline,
  offset: { readonly hours: number } | { readonly calendarDays: number },
  calendar: Calendar,
): string {
  const anchor = target.scheduledAt ?? target.dueAt;
  if ('hours' in offset)
    return new Date(Date.parse(anchor) - offset.hours * 3_600_000).toISOString();
  // Same wall-clock time, read from the local clock (on a DST day, 09:00 is not 9 hours after midnight).
  const local = DateTime.fromISO(anchor, { zone: calendar.timeZone });
  return calendar.instantAt(
    calendar.civilDayOf(anchor) - offset.calendarDays,
    local.hour,
    local.minute,
    local.second,
    local.millisecond,
  );
}

/**
 * Adds the policy's reminders to each event's deadline changes: every deadline set gets its
 * reminders (those still in the future), every deadline cleared loses them. Pure. @internal
 */
export function withReminders(
  events: readonly PipEvent[],
  context: PipContext,
  policy: PolicyDocument,
  calendar: Calendar,
  now: string,
): PipEvent[] {
  const rules = policy.reminders;
  if (rules.length === 0) return [...events];
  let pending = new Set(Object.keys(context.deadlines));
  return events.map((event) => {
    const changes = event.deadlines;
    if (!changes) return event;
    const clear = [...(changes.clear ?? [])];
    const set = [...(changes.set ?? [])];
    for (const id of changes.clear ?? []) {
      rules.forEach((_, index) => {
        if (pending.has(reminderId(id, index))) clear.push(reminderId(id, index));
      });
    }
    for (const target of changes.set ?? []) {
      rules.forEach((rule, index) => {
        const id = reminderId(target.id, index);
        if (rule.before !== target.kind) return;
        const dueAt = reminderAt(target, rule.offset, calendar);
        if (dueAt <= now) {
          if (pending.has(id)) clear.push(id);
          return;
        }
        set.push({ id, kind: 'reminder', dueAt, date: calendar.localDate(dueAt) });
      });
    }
    const next: DeadlineChanges = {
      ...(clear.length ? { clear } : {}),
      ...(set.length ? { set } : {}),
    };
    pending = new Set([
      ...[...pending].filter((id) => !clear.includes(id)),
      ...set.map((deadline) => deadline.id),
    ]);
    return { ...event, deadlines: next };
  });
}

/** The reminder rule a reminder deadline id belongs to, and its target. @internal */
export function parseReminderId(id: string): { target: string; index: number } | undefined {
  const match = /^reminder:(.+):(\d+)$/.exec(id);
  return match ? { target: match[1] as string, index: Number(match[2]) } : undefined;
}
