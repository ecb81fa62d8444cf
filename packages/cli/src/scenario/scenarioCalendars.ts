import { type CalendarDefinition, PipkitError } from '@pipkit/core';
import { holidayCalendar } from '@pipkit/holidays';
import { ScenarioProblems } from './loadScenario.js';
import type { Scenario } from './scenarioSchema.js';

/**
 * The holiday calendars the scenario's employees name, built once per distinct spec, and which
 * calendar id each PIP uses. Years default to the scenario's first year and the next.
 */
export function calendarsFor(scenario: Scenario): {
  calendars: Record<string, CalendarDefinition>;
  ids: Map<string, string>;
} {
  const calendars: Record<string, CalendarDefinition> = {};
  const ids = new Map<string, string>();
  const signatures = new Map<string, string>();
  scenario.pips.forEach((pip, index) => {
    const spec = pip.employee.calendar;
    if (!spec) return;
    const path = ['pips', index, 'employee', 'calendar'];
    const firstStep = scenario.steps[0];
    const openedYear = Number((firstStep?.at ?? firstStep?.advanceTo ?? '2026').slice(0, 4));
    const years = spec.years ?? { from: openedYear, to: openedYear + 1 };
    const signature = JSON.stringify({ ...spec, years });
    let id = spec.region.toUpperCase();
    for (let n = 2; signatures.has(id) && signatures.get(id) !== signature; n += 1)
      id = `${spec.region.toUpperCase()}#${n}`;
    try {
      const built = holidayCalendar(spec.region, {
        years,
        ...(spec.exclude ? { exclude: spec.exclude } : {}),
        ...(spec.include ? { include: spec.include } : {}),
        ...(spec.weekend ? { weekend: spec.weekend as (1 | 2 | 3 | 4 | 5 | 6 | 7)[] } : {}),
      });
      calendars[id] = { weekend: built.weekend, holidays: built.holidays };
    } catch (error) {
      if (error instanceof PipkitError) {
        throw new ScenarioProblems(
          error.issues.map((issue) => ({ path: [...path, ...issue.path], message: issue.message })),
        );
      }
      throw error;
    }
    signatures.set(id, signature);
    ids.set(pip.id, id);
  });
  return { calendars, ids };
}
