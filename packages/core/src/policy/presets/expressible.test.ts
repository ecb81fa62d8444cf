/**
 * Public policies that are not presets but must be expressible with the schema: the Wyoming State
 * Personnel Rules ch. 9 §9-10 (two 45-day plans, no third within a year) and the University of
 * California's notice of intent under PPSM 62/64 (8 calendar days to respond in Berkeley's
 * procedures, 10 in UCR's 2014 procedure: one rule, two versions).
 */
import { describe, expect, it } from 'vitest';
import {
  CommandRefusedError,
  definePolicy,
  durations,
  type PolicyDocumentInput,
} from '../../index.js';
import {
  codes,
  doc,
  employee,
  hr,
  manager,
  presetHarness,
  refusal,
  senior,
} from './__fixtures__/presetHarness.js';

/** Wyoming State Personnel Rules ch. 9 §9-10 and its holidays (006-6 §6-4, 2026 dates). */
const wyoming = definePolicy({
  id: 'wyoming-state-personnel',
  version: 1,
  name: 'Wyoming performance improvement plan (ch. 9 §9-10)',
  calendar: {
    weekend: [6, 7],
    // No Juneteenth or Columbus Day, unlike the federal calendar.
    holidays: [
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      // Independence Day (July 4) is on a Saturday in 2026. W.S. 8-4-101(b) moves only a Sunday
      // holiday (to Monday), and the personnel rules (ch. 6 §6-4) do not say whether the state also
      // closes Friday 3 July.
      '2026-07-04',
      '2026-09-07',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ],
  },
  plan: { duration: durations.inclusiveDays(45), startsOn: 'issue', allowEarlyConclusion: true },
  acknowledgement: { mode: 'refusalWithWitness', due: durations.daysAfter(10) },
  checkIns: { every: { amount: 2, unit: 'weeks' }, at: '10:00' },
  review: { due: durations.daysAfter(10) },
  termination: { noticePeriod: durations.daysAfter(10), replyWindow: durations.daysAfter(10) },
  plans: { maxWithin: { count: 2, period: durations.monthsAfter(12) } },
  requiredDocuments: { ISSUE: ['planDocument'] },
});

describe('Wyoming: no more than two plans within a year', () => {
  it('refuses a third plan at open and at issue, lists it in explain, and allows it once the first is a year old', async () => {
    const h = presetHarness([wyoming], {
      start: '2026-03-02T17:00:00Z',
      timeZone: 'America/Denver',
    });
    const first = await h.open();
    await h.send(first.pipId, { type: 'ISSUE', documents: [doc('planDocument')] }, manager);
    // First PIP: 45 days, the issue day counted (C1): Mon 2 Mar to Wed 15 Apr, end of day MDT.
    const firstPlan = await h.load(first.pipId);
    expect(firstPlan.context.plan).toMatchObject({
      startDate: '2026-03-02',
      endDate: '2026-04-15',
    });
    expect(firstPlan.context.deadlines.planEnd?.dueAt).toBe('2026-04-16T05:59:59.999Z');
    h.at('2026-04-20T16:00:00Z');
    const second = await h.open();
    const third = await h.open();
    await h.send(second.pipId, { type: 'ISSUE', documents: [doc('planDocument')] }, manager);

    const issueThird = { type: 'ISSUE' as const, documents: [doc('planDocument')] };
    const explained = await h.engine.explain(third.pipId, issueThird, { actor: manager });
    expect(explained.accepted).toBe(false);
    expect(explained.issues.map((issue) => issue.code)).toEqual(['PLAN_LIMIT_REACHED']);
    expect(explained.issues[0]?.message).toContain('pip-1, pip-2');
    const refused = await refusal(h.engine.dispatch(third.pipId, issueThird, { actor: manager }));
    expect(codes(refused)).toEqual(['PLAN_LIMIT_REACHED']);

    h.at('2026-06-15T16:00:00Z');
    const atOpen = await refusal(h.open());
    expect(atOpen).toBeInstanceOf(CommandRefusedError);
    expect(codes(atOpen)).toEqual(['PLAN_LIMIT_REACHED']);
    expect((await h.store.list()).map((pip) => pip.pipId)).toEqual(['pip-1', 'pip-2', 'pip-3']);

    // The first plan (issued 2 Mar 2026) counts through 2 Mar 2027, then no longer.
    h.at('2027-03-02T20:00:00Z');
    expect((await h.engine.explain(third.pipId, issueThird, { actor: manager })).accepted).toBe(
      false,
    );
    h.at('2027-03-03T08:00:00Z');
    expect((await h.engine.explain(third.pipId, issueThird, { actor: manager })).accepted).toBe(
      true,
    );
    await h.send(third.pipId, issueThird, manager);
  });
});

/** UC PPSM 64 notice of intent: version 1 (Berkeley, 8 days), version 2 (UCR 2014, 10 days). */
const ucDocument = {
  id: 'uc-ppsm-64',
  version: 1,
  name: 'University of California notice of intent (PPSM 62/64)',
  plan: { duration: durations.inclusiveDays(30), startsOn: 'issue', allowEarlyConclusion: true },
  acknowledgement: { mode: 'refusalWithWitness', due: durations.daysAfter(8) },
  checkIns: { every: { amount: 2, unit: 'weeks' }, at: '10:00' },
  extensions: { maxCount: 1, unit: 'calendarDays', maxEach: 30, maxTotal: 30 },
  review: { due: durations.businessDaysAfter(10) },
  termination: {
    noticePeriod: durations.daysAfter(8),
    replyWindow: durations.daysAfter(8),
    deciderRoles: ['seniorManager'],
  },
  retention: durations.monthsAfter(60),
  requiredDocuments: {
    PROPOSE_TERMINATION: ['noticeOfIntent', 'materialsReliedOn', 'proofOfService'],
  },
} as const satisfies PolicyDocumentInput;
const ucV1 = definePolicy(ucDocument);
const ucV2 = definePolicy({
  ...ucDocument,
  version: 2,
  termination: { ...ucDocument.termination, replyWindow: durations.daysAfter(10) },
  extensions: { maxCount: 0, unit: 'calendarDays', maxEach: 1, maxTotal: 1 },
});
const NOTICE_OF_INTENT = [doc('noticeOfIntent'), doc('materialsReliedOn'), doc('proofOfService')];

describe('UC: one rule, two versions, and moving running PIPs between them', () => {
  async function proposed(h: ReturnType<typeof presetHarness>, version?: number) {
    const { pipId } = await h.open({
      policy: { id: 'uc-ppsm-64', ...(version ? { version } : {}) },
    });
    await h.send(pipId, { type: 'ISSUE' }, manager);
    await h.send(pipId, { type: 'CONCLUDE_EARLY' }, manager);
    await h.send(pipId, { type: 'PROPOSE_TERMINATION', documents: NOTICE_OF_INTENT }, manager);
    return pipId;
  }

  it('keeps each PIP on its version, dry-runs a migration with what cannot be mapped, and records one', async () => {
    const h = presetHarness([ucV1, ucV2], {
      start: '2026-03-01T18:00:00Z',
      timeZone: 'America/Los_Angeles',
    });
    // Notice of intent served Sun 1 Mar under version 1: respond within 8 days, by Mon 9 Mar.
    const early = await proposed(h, 1);
    expect((await h.load(early)).context.deadlines.reply?.date).toBe('2026-03-09');
    h.at('2026-03-10T18:00:00Z');
    const pinned = await proposed(h, 1);
    expect((await h.load(pinned)).context.deadlines.reply?.date).toBe('2026-03-18');
    const newer = await proposed(h);
    expect(await h.load(newer)).toMatchObject({ policyVersion: 2 });
    expect((await h.load(newer)).context.deadlines.reply?.date).toBe('2026-03-20');
    // A running plan extended once: version 2 allows no extension.
    const { pipId: extended } = await h.open({ policy: { id: 'uc-ppsm-64', version: 1 } });
    await h.send(extended, { type: 'ISSUE', documents: [doc('planDocument')] }, manager);
    await h.send(
      extended,
      { type: 'ACKNOWLEDGE', documentSha256: doc('planDocument').sha256 },
      employee,
    );
    await h.send(extended, { type: 'EXTEND', amount: 10, reason: 'leave' }, manager);

    h.at('2026-03-12T18:00:00Z');
    const plan = await h.engine.planMigration(
      { policyId: 'uc-ppsm-64', fromVersion: 1, toVersion: 2 },
      { actor: hr },
    );
    const byPip = Object.fromEntries(plan.map((entry) => [entry.pipId, entry]));
    expect(Object.keys(byPip).sort()).toEqual([early, extended, pinned].sort());
    expect(byPip[pinned]).toMatchObject({
      ok: true,
      changes: [{ deadlineId: 'reply', from: '2026-03-18', to: '2026-03-20' }],
      problems: [],
    });
    // The 9 Mar deadline was not swept yet; under 10 days it would have ended 11 Mar, already past.
    expect(byPip[early]?.ok).toBe(false);
    expect(byPip[early]?.problems.map((problem) => problem.code)).toEqual([
      'DEADLINE_ALREADY_PAST',
    ]);
    expect(byPip[extended]?.problems.map((problem) => problem.code)).toEqual([
      'EXTENSIONS_OVER_LIMIT',
      'EXTENSIONS_OVER_LIMIT',
    ]);

    const migrated = await h.engine.migrate(pinned, { toVersion: 2 }, { actor: hr });
    expect(migrated.events.map((stored) => stored.event)).toMatchObject([
      {
        type: 'POLICY_MIGRATED',
        from: { id: 'uc-ppsm-64', version: 1 },
        to: { id: 'uc-ppsm-64', version: 2 },
      },
    ]);
    const after = await h.load(pinned);
    expect(after).toMatchObject({ policyVersion: 2, context: { policy: { version: 2 } } });
    expect(after.context.deadlines.reply?.date).toBe('2026-03-20');
    expect(await h.engine.verify(pinned, { actor: hr })).toMatchObject({ ok: true });

    const before = await h.store.readEvents(early);
    const blocked = await refusal(h.engine.migrate(early, { toVersion: 2 }, { actor: hr }));
    expect(codes(blocked)).toEqual(['DEADLINE_ALREADY_PAST']);
    expect(await h.store.readEvents(early)).toEqual(before);
    const forbidden = await refusal(h.engine.migrate(pinned, { toVersion: 1 }, { actor: manager }));
    expect(forbidden.code).toBe('FORBIDDEN');

    // A decision on the migrated PIP follows version 2 and records the 5-year retention.
    h.at('2026-03-21T18:00:00Z');
    await h.tick();
    await h.send(pinned, { type: 'DECIDE', decision: 'remove' }, senior);
    expect((await h.load(pinned)).context.outcome?.retainUntil).toBe('2031-03-21');
  });
});
