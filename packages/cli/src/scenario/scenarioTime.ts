import { DateTime } from 'luxon';
import { ScenarioProblems } from './loadScenario.js';

/**
 * Converts a scenario moment to a UTC instant: an instant with an offset stays as it is; a local
 * date-time is read in `zone`. Throws {@link ScenarioProblems} (with `path`) for a time that does
 * not exist there, such as 02:30 on the night clocks go forward.
 *
 * @example
 * ```ts
 * toInstant('2026-03-09T09:00', 'America/New_York', ['at']); // '2026-03-09T13:00:00.000Z'
 * ```
 */
export function toInstant(value: string, zone: string, path: readonly (string | number)[]): string {
  if (/(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const date = new Date(value);
    if (Number.isNaN(date.getTime()))
      throw new ScenarioProblems([{ path, message: `"${value}" is not a real instant.` }]);
    return date.toISOString();
  }
  const local = DateTime.fromISO(value, { zone });
  if (!local.isValid) {
    throw new ScenarioProblems([
      {
        path,
        message: `"${value}" is not a real local date-time in ${zone} (${local.invalidExplanation ?? local.invalidReason ?? 'invalid'}).`,
      },
    ]);
  }
  if (local.toFormat("yyyy-MM-dd'T'HH:mm") !== value.slice(0, 16)) {
    throw new ScenarioProblems([
      {
        path,
        message: `${value} does not exist in ${zone}: the clocks jump over it (a DST change). Pick a time before or after the jump.`,
      },
    ]);
  }
  return local.toUTC().toISO();
}

/**
 * An instant as the employee reads it.
 *
 * @example
 * ```ts
 * localLabel('2026-05-04T13:00:00Z', 'America/New_York'); // 'Mon 4 May 2026 09:00 EDT'
 * ```
 */
export function localLabel(instant: string, zone: string): string {
  return DateTime.fromISO(instant, { zone }).toFormat('ccc d LLL yyyy HH:mm ZZZZ');
}
