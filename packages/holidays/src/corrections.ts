import { CalendarError } from '@pipkit/core';
import { checkDates, HOLIDAY_TYPES, type HolidayType, isList } from './holidayOptions.js';

/**
 * A correction for one date, carried as data with where it comes from:
 * - `action: 'add'`: a day off the data does not have (a proclaimed one-off bank holiday, an
 *   employer's shutdown day);
 * - `action: 'remove'`: a day the data lists that is not a day off (a holiday the law does not
 *   give in that region that year).
 *
 * `date` must fall inside the calendar's `years`: a correction outside them is refused, so a
 * correction written for the wrong year never goes unnoticed. Removing a date that is not a day
 * off changes nothing (so the correction keeps working once the data is fixed).
 *
 * @example
 * ```ts
 * const shutdown: DatedCorrection = {
 *   date: '2026-12-24',
 *   action: 'add',
 *   name: 'Company shutdown',
 *   source: 'Acme handbook 2026, section 4.2',
 * };
 * ```
 */
export interface DatedCorrection {
  /** The day, `YYYY-MM-DD`, inside the calendar's `years`. */
  readonly date: string;
  /** Whether the day becomes a day off (`add`) or a working day (`remove`). */
  readonly action: 'add' | 'remove';
  /** What the day is, for people reading the calendar: `FIFA World Cup bank holiday`. */
  readonly name: string;
  /** Where the correction comes from: a statute section, a proclamation, a handbook clause. */
  readonly source: string;
  /** For `add`: the kind of day it is, shown in `details`. Defaults to `'public'`. */
  readonly type?: HolidayType;
}

/**
 * A correction for a holiday in every year: removes the holiday the data names `holiday` (in any
 * language the data has, any case), or with `only: 'substitute'` only its substitute days (the
 * Monday after a holiday that falls on a weekend). An unknown name is refused and the region's
 * names are listed.
 *
 * @example
 * ```ts
 * // Ontario's Employment Standards Act, 2000 s.1(1) has no Easter Monday.
 * const ontario: RuleCorrection = {
 *   holiday: 'Easter Monday',
 *   action: 'remove',
 *   source: 'Employment Standards Act, 2000 (Ontario), s.1(1) "public holiday"',
 * };
 * ```
 */
export interface RuleCorrection {
  /** The holiday's name as the data spells it: `Easter Monday`, `Anzac Day`. */
  readonly holiday: string;
  /** Rule corrections only remove: add a recurring day off with `holidayRules` in core instead. */
  readonly action: 'remove';
  /** Where the correction comes from. */
  readonly source: string;
  /** `'substitute'` removes only the holiday's substitute days and keeps the holiday itself. */
  readonly only?: 'substitute';
}

/** One correction to a region's holiday data: see {@link DatedCorrection} and {@link RuleCorrection}. */
export type HolidayCorrection = DatedCorrection | RuleCorrection;

/** @internal Corrections after checking, split by kind. */
export interface CheckedCorrections {
  readonly dated: readonly DatedCorrection[];
  readonly rules: readonly RuleCorrection[];
  /** Where each of `rules` stands in the list it came from, for error paths. */
  readonly ruleIndexes: readonly number[];
}

const EXAMPLE =
  "for example { date: '2026-06-15', action: 'add', name: 'FIFA World Cup bank holiday', source: 'Royal Proclamation, 2026' }";

/**
 * @internal Checks `corrections`: each one a dated or a rule correction with a non-empty name and
 * source, dates real and inside `years`, no date both added and removed. Throws `INVALID_CALENDAR`
 * with the path of the first bad entry.
 */
export function checkCorrections(
  corrections: readonly HolidayCorrection[] | undefined,
  years: { from: number; to: number },
): CheckedCorrections {
  if (corrections === undefined) return { dated: [], rules: [], ruleIndexes: [] };
  if (!isList(corrections)) {
    throw new CalendarError(`corrections must be a list of corrections, ${EXAMPLE}.`, [
      'corrections',
    ]);
  }
  const dated: DatedCorrection[] = [];
  const datedIndexes: number[] = [];
  const rules: RuleCorrection[] = [];
  const ruleIndexes: number[] = [];
  corrections.forEach((entry: unknown, index) => {
    const path = ['corrections', index];
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new CalendarError(`corrections[${index}] must be an object, ${EXAMPLE}.`, path);
    }
    const correction = entry as Record<string, unknown>;
    requireText(correction, 'source', index);
    if ('holiday' in correction) {
      rules.push(checkRule(correction, index));
      ruleIndexes.push(index);
    } else {
      dated.push(checkDated(correction, index, years));
      datedIndexes.push(index);
    }
  });
  const added = new Set(dated.filter((c) => c.action === 'add').map((c) => c.date));
  dated.forEach((correction, index) => {
    if (correction.action === 'remove' && added.has(correction.date)) {
      throw new CalendarError(
        `${correction.date} is both added and removed by corrections. Keep one of them.`,
        ['corrections', datedIndexes[index] ?? index],
      );
    }
  });
  return { dated, rules, ruleIndexes };
}

function checkDated(
  correction: Record<string, unknown>,
  index: number,
  years: { from: number; to: number },
): DatedCorrection {
  const { date, action, name, source, type } = correction;
  if (action !== 'add' && action !== 'remove') {
    throw new CalendarError(
      `corrections[${index}].action must be 'add' or 'remove', not ${JSON.stringify(action)}.`,
      ['corrections', index, 'action'],
    );
  }
  requireText(correction, 'name', index);
  if (typeof date !== 'string') {
    throw new CalendarError(
      `corrections[${index}] needs a date as YYYY-MM-DD (or a holiday name to remove it every year), ${EXAMPLE}.`,
      ['corrections', index, 'date'],
    );
  }
  try {
    checkDates([date], 'include', years);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CalendarError(message.replace('include[0]', `corrections[${index}].date`), [
      'corrections',
      index,
      'date',
    ]);
  }
  if (type !== undefined && !HOLIDAY_TYPES.includes(type as HolidayType)) {
    throw new CalendarError(
      `corrections[${index}].type ${JSON.stringify(type)} is not a holiday type. Use ${HOLIDAY_TYPES.map((t) => `'${t}'`).join(', ')}.`,
      ['corrections', index, 'type'],
    );
  }
  if (type !== undefined && action === 'remove') {
    throw new CalendarError(
      `corrections[${index}] removes a day, so it takes no type; leave type out.`,
      ['corrections', index, 'type'],
    );
  }
  return {
    date,
    action,
    name: name as string,
    source: source as string,
    ...(type === undefined ? {} : { type: type as HolidayType }),
  };
}

function checkRule(correction: Record<string, unknown>, index: number): RuleCorrection {
  const { holiday, action, source, only, date } = correction;
  requireText(correction, 'holiday', index);
  if (date !== undefined) {
    throw new CalendarError(
      `corrections[${index}] has both a date and a holiday name: use date for one day, holiday for every year.`,
      ['corrections', index],
    );
  }
  if (action !== 'remove') {
    throw new CalendarError(
      `corrections[${index}] names a holiday, which can only be removed (action: 'remove'); add a day with a dated correction.`,
      ['corrections', index, 'action'],
    );
  }
  if (only !== undefined && only !== 'substitute') {
    throw new CalendarError(
      `corrections[${index}].only must be 'substitute' or left out, not ${JSON.stringify(only)}.`,
      ['corrections', index, 'only'],
    );
  }
  return {
    holiday: holiday as string,
    action,
    source: source as string,
    ...(only === undefined ? {} : { only }),
  };
}

function requireText(correction: Record<string, unknown>, key: string, index: number): void {
  const value = correction[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CalendarError(
      `corrections[${index}].${key} must be a non-empty string, not ${JSON.stringify(value) ?? String(value)}.`,
      ['corrections', index, key],
    );
  }
}
