import type { CalendarDefinition, CalendarSpec, PolicyDocumentInput } from '@pipkit/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type HolidayCalendar,
  type HolidayType,
  holidayCalendar,
  listRegions,
  type Region,
} from './index.js';

const years = { from: 2026, to: 2026 };

describe('public types', () => {
  it('returns a calendar definition that core and a policy document accept as it is', () => {
    expectTypeOf(holidayCalendar('GB-ENG', { years })).toEqualTypeOf<HolidayCalendar>();
    expectTypeOf<HolidayCalendar>().toExtend<CalendarDefinition>();
    expectTypeOf<HolidayCalendar & { timeZone: string }>().toExtend<CalendarSpec>();
    expectTypeOf<Omit<HolidayCalendar, 'id' | 'source' | 'details'>>().toExtend<
      NonNullable<PolicyDocumentInput['calendar']>
    >();
  });

  it('names the five holiday types and refuses others at compile time', () => {
    expectTypeOf<HolidayType>().toEqualTypeOf<
      'public' | 'bank' | 'optional' | 'school' | 'observance'
    >();
    // @ts-expect-error: not a date-holidays type
    holidayCalendar('US', { years, types: ['religious'] });
    // @ts-expect-error: years is required
    holidayCalendar('US', {});
    // @ts-expect-error: weekend days are ISO weekdays 1-7
    holidayCalendar('US', { years, weekend: [0] });
  });

  it('lists regions as code and name', () => {
    expectTypeOf(listRegions('GB')).toEqualTypeOf<Region[]>();
    expectTypeOf<Region>().toEqualTypeOf<{ readonly code: string; readonly name: string }>();
  });
});
