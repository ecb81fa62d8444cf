import { type LocalTimeResolution, resolveLocalTime } from '@pipkit/core';
import { DateTime } from 'luxon';
import { ScenarioProblems } from './loadScenario.js';

/**
 * Converts a scenario moment to a UTC instant: an instant with an offset stays as it is; a local
 * date-time is read in `zone` (a time that happens twice, when clocks go back, is the earlier one:
 * the same on every run date). Throws {@link ScenarioProblems} (with `path`) for a time that does
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
  // Resolved by core's rule (a repeated time is the earlier one), never by luxon's guess, which
  // depends on the date the simulation runs.
  let resolved: LocalTimeResolution;
  try {
    resolved = resolveLocalTime(value, zone);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ScenarioProblems([
      { path, message: `"${value}" is not a real local date-time in ${zone} (${reason})` },
    ]);
  }
  if (resolved.kind === 'skipped') {
    throw new ScenarioProblems([
      {
        path,
        message: `${value} does not exist in ${zone}: the clocks jump over it (a DST change). Pick a time before or after the jump.`,
      },
    ]);
  }
  return resolved.instant;
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
