import { CalendarError } from '@pipkit/core';
import type Holidays from 'date-holidays';
import { checkDates, type HolidayType, ISO_DATE, isList } from './holidayOptions.js';

/**
 * Reads `exclude`: its dates (checked like `include`) and the date-holidays rules its holiday
 * names stand for, in any language the data has. An unknown name throws, naming known ones.
 */
export function checkExclusions(
  exclude: readonly string[] | undefined,
  holidays: Holidays,
  regionId: string,
  types: readonly HolidayType[],
  years: { from: number; to: number },
): { dates: Set<string>; rules: Set<string> } {
  if (exclude === undefined) return { dates: new Set(), rules: new Set() };
  if (!isList(exclude)) {
    throw new CalendarError(
      'exclude must be a list of YYYY-MM-DD dates or holiday names, for example ["Juneteenth"].',
      ['exclude'],
    );
  }
  const dateEntries: string[] = [];
  const nameEntries: { name: string; index: number }[] = [];
  exclude.forEach((entry: unknown, index) => {
    if (typeof entry !== 'string' || entry.trim() === '') {
      throw new CalendarError(
        `exclude[${index}] must be a YYYY-MM-DD date or a holiday name, not ${JSON.stringify(entry)}.`,
        ['exclude', index],
      );
    }
    if (ISO_DATE.test(entry)) dateEntries.push(entry);
    else nameEntries.push({ name: entry, index });
  });
  const dates = checkDates(dateEntries, 'exclude', years);

  const index = holidayNameIndex(holidays);
  const rules = new Set<string>();
  for (const { name, index: position } of nameEntries) {
    const matched = index.rulesFor(name);
    if (matched === undefined) {
      throw unknownHolidayName(`exclude[${position}]`, name, regionId, types, index, [
        'exclude',
        position,
      ]);
    }
    for (const rule of matched) rules.add(rule);
  }
  return { dates, rules };
}

/** @internal The holidays a region's data names, in every language it has. */
export interface HolidayNameIndex {
  /** The rules (and substitute rules) a name stands for, any case; undefined if none. */
  rulesFor(name: string): ReadonlySet<string> | undefined;
  /** The English names, sorted, for error messages. */
  readonly englishNames: readonly string[];
}

/** @internal Indexes the names of the rules a date-holidays instance holds. */
export function holidayNameIndex(holidays: Holidays): HolidayNameIndex {
  // Each rule (and each substitute rule) carries the holiday's names in every language it has.
  const rulesByName = new Map<string, Set<string>>();
  const englishNames = new Set<string>();
  for (const rule of holidays.getRules() as unknown as readonly RawRule[]) {
    const names = typeof rule.name === 'string' ? [rule.name] : Object.values(rule.name ?? {});
    for (const name of names) {
      const key = name.trim().toLowerCase();
      if (!rulesByName.has(key)) rulesByName.set(key, new Set());
      rulesByName.get(key)?.add(rule.rule);
    }
    const english = typeof rule.name === 'string' ? rule.name : rule.name?.en;
    if (english !== undefined) englishNames.add(english);
  }
  return {
    rulesFor: (name) => rulesByName.get(name.trim().toLowerCase()),
    englishNames: [...englishNames].sort(),
  };
}

/** @internal The refusal for a holiday name the region's data does not have, listing known ones. */
export function unknownHolidayName(
  label: string,
  name: string,
  regionId: string,
  types: readonly HolidayType[],
  index: HolidayNameIndex,
  path: readonly (string | number)[],
): CalendarError {
  const known = index.englishNames;
  return new CalendarError(
    `${label} "${name}" is not a ${types.join('/')} holiday of ${regionId} in date-holidays. Known names: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''}.`,
    path,
  );
}

/** The slice of a date-holidays rule that names a holiday. */
interface RawRule {
  readonly rule: string;
  readonly name?: string | Readonly<Record<string, string>>;
}
