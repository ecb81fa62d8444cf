/**
 * Properties over the presets and over random policies built within the schema:
 * `explain` and `dispatch` always agree, and nothing but a typed PipkitError ever escapes the
 * engine, whatever the policy and the commands.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Actor,
  allowedRoles,
  type Command,
  COMMAND_TYPES,
  type CommandType,
  definePolicy,
  durations,
  type Duration,
  PipkitError,
  type Policy,
  type PolicyDocumentInput,
  type PipContext,
  type PipState,
  presets,
} from '../../index.js';
import {
  doc,
  employee,
  hr,
  hr2,
  legal,
  manager,
  presetHarness,
  senior,
} from './__fixtures__/presetHarness.js';

const ACTORS: readonly Actor[] = [hr, hr2, manager, employee, senior, legal];

/** One step of a run: a command from someone, or time passing and the sweep running. */
type Step =
  | {
      readonly kind: 'command';
      readonly type: CommandType;
      readonly actor: number;
      readonly variant: number;
      readonly withDocuments: boolean;
      readonly forward: boolean;
    }
  | { readonly kind: 'advance'; readonly days: number; readonly hours: number };

/** Every command a person sends; the sweep alone sends DEADLINE_REACHED. */
const SENT: readonly CommandType[] = COMMAND_TYPES.filter((type) => type !== 'DEADLINE_REACHED');

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('command' as const),
      type: fc.constantFrom(...SENT),
      actor: fc.nat({ max: ACTORS.length - 1 }),
      variant: fc.nat({ max: 5 }),
      withDocuments: fc.boolean(),
      forward: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      days: fc.integer({ min: 0, max: 40 }),
      hours: fc.integer({ min: 1, max: 23 }),
    }),
  },
);

/** Stage ids the commands name by variant: those the random ladders and the UK preset use, and a stranger. */
const STAGES_BY_VARIANT = [
  'firstWarning',
  'finalWarning',
  'firstWarning',
  'firstWarning',
  'dismissal',
  'oralWarning',
] as const;
const APPEALED_BY_VARIANT = [
  'dismissal',
  'finalWarning',
  'dismissal',
  'firstWarning',
  'firstWarning',
  'oralWarning',
] as const;

function commandFor(step: Extract<Step, { kind: 'command' }>, policy: Policy): Command {
  const required = step.withDocuments ? (policy.document.requiredDocuments[step.type] ?? []) : [];
  const kinds = [
    ...required,
    ...(step.type === 'ISSUE' || step.type === 'SUBMIT_FOR_APPROVAL' ? ['planDocument'] : []),
  ];
  const documents = [...new Set(kinds)].map((kind) => doc(kind));
  const withDocs = documents.length > 0 ? { documents } : {};
  const v = step.variant;
  const reasons = policy.document.extensions.reasons ?? ['leave'];
  const payload: Partial<Record<CommandType, object>> = {
    UPDATE_PLAN: {
      goals: [{ id: 'g1', description: 'Ship', ...(v % 2 ? { measure: 'weekly' } : {}) }],
    },
    ATTACH_DOCUMENT: { documents: [doc(v % 2 ? 'rebuttal' : 'note', v)] },
    REJECT: { reasonCode: 'unclear' },
    ACKNOWLEDGE: { documentSha256: doc('planDocument').sha256 },
    RECORD_REFUSAL: {
      documentSha256: doc('planDocument').sha256,
      witnessId: v % 3 ? 'witness-1' : 'emp-1',
    },
    PROPOSE_TERMINATION: v % 2 ? { absentSince: '2026-02-20' } : {},
    RECORD_CHECK_IN: { assessment: (['onTrack', 'mixed', 'offTrack'] as const)[v % 3] },
    PAUSE: { category: 'medicalLeave', hostRef: 'case-1' },
    START_INVESTIGATION: { hostRef: 'inv-1' },
    CLOSE_INVESTIGATION: { finding: v % 2 ? 'misconduct' : 'noCase' },
    EXTEND: {
      amount: [1, 7, 14, 30, 90, 200][v] ?? 7,
      reason: reasons[v % reasons.length] ?? 'leave',
    },
    EXTEND_NOTICE: {
      amount: [5, 10, 30, 31][v % 4] ?? 5,
      reason: v % 2 ? 'reasonableAccommodation' : 'workload',
    },
    FULFIL_OBLIGATION: { obligationId: `extensionNotice${(v % 2) + 1}` },
    DECIDE: { decision: (['remove', 'retain', 'demote', 'reassign'] as const)[v % 4] },
    CLOSE: { reason: (['withdrawn', 'resigned', 'misconduct'] as const)[v % 3] },
    SCHEDULE_MEETING: {
      meetingId: `m${v % 2}`,
      kind: (['hearing', 'reviewMeeting', 'meeting'] as const)[v % 3],
      at: (['2026-03-20T10:00', '2026-04-20T14:30', '2027-01-05T09:00'] as const)[v % 3],
      ...(v % 2 ? { companion: { type: 'tradeUnionOfficial' } } : {}),
    },
    POSTPONE_MEETING: {
      meetingId: `m${v % 2}`,
      to: (['2026-03-24T10:00', '2026-04-27T14:30', '2027-01-12T09:00'] as const)[v % 3],
      reason: v % 2 ? 'companionUnavailable' : 'employerUnavailable',
    },
    RECORD_MEETING: { meetingId: `m${v % 2}`, outcome: v % 3 ? 'held' : 'noShow' },
    CANCEL_MEETING: { meetingId: `m${v % 2}` },
    // By variant, so a forward step (whose type also depends on the variant) names a stage that can be.
    ISSUE_STAGE: {
      stage: STAGES_BY_VARIANT[v],
      ...(v % 3 === 1 ? { skipReason: 'seriousImpact' } : {}),
    },
    APPEAL: { against: APPEALED_BY_VARIANT[v] },
    RECORD_APPEAL_OUTCOME: {
      outcome: (['upheld', 'varied', 'overturned'] as const)[v % 3],
      ...(v % 3 === 1 ? { stage: 'firstWarning' } : {}),
    },
    PLACE_LEGAL_HOLD: { matterRef: `matter-${v % 2}` },
    RELEASE_LEGAL_HOLD: { matterRef: `matter-${v % 2}` },
  };
  const specific = payload[step.type] ?? {};
  return { type: step.type, ...withDocs, ...specific } as Command;
}

/** A command that moves a PIP on from its state (a generator bias, so runs reach deep states). */
function forwardType(state: PipState, policy: Policy, variant: number): CommandType {
  const pick = (types: readonly CommandType[]): CommandType =>
    types[variant % types.length] as CommandType;
  switch (state) {
    case 'draft':
      return policy.document.approval.required ? 'SUBMIT_FOR_APPROVAL' : 'ISSUE';
    case 'pendingApproval':
      return 'APPROVE';
    case 'opened':
      return pick(['ACKNOWLEDGE', 'RECORD_REFUSAL', 'RECORD_CHECK_IN', 'ISSUE_STAGE', 'APPEAL']);
    case 'active':
    case 'extended':
      return pick([
        'RECORD_CHECK_IN',
        'EXTEND',
        'CONCLUDE_EARLY',
        'FULFIL_OBLIGATION',
        'PAUSE',
        'ISSUE_STAGE',
        'APPEAL',
        'RECORD_APPEAL_OUTCOME',
        'SCHEDULE_MEETING',
        'RECORD_MEETING',
      ]);
    case 'paused':
      return 'RESUME';
    case 'review':
      return pick([
        'PROPOSE_TERMINATION',
        'PASS',
        'ISSUE_STAGE',
        'APPEAL',
        'RECORD_APPEAL_OUTCOME',
      ]);
    case 'passed.watching':
      return 'RECORD_RELAPSE';
    case 'terminationProposed':
      return pick(['SUBMIT_REPLY', 'EXTEND_NOTICE', 'DECIDE', 'DECIDE']);
    default:
      return pick(['CLOSE', 'ATTACH_DOCUMENT', 'APPEAL', 'RECORD_APPEAL_OUTCOME']);
  }
}

/**
 * A forward APPEAL names what can be appealed: the latest stage issued (while its window may be
 * open), else the decision that ended the plan; a forward RECORD_MEETING holds the meeting
 * scheduled last. Other steps keep their variant's payload, which may name nothing real.
 */
function forwardPayload(type: CommandType, context: PipContext, policy: Policy, now: Date): object {
  if (type === 'APPEAL') return { against: context.stages?.at(-1)?.stage ?? 'dismissal' };
  if (type === 'RECORD_APPEAL_OUTCOME') {
    return { outcome: (context.appeals?.length ?? 0) % 2 ? 'overturned' : 'upheld' };
  }
  if (type === 'SCHEDULE_MEETING') {
    // An appeal pending is heard at the policy's appeal hearing, a week ahead (past any notice).
    const pending = context.appeals?.some((appeal) => appeal.status === 'pending');
    const kind = pending ? (policy.document.appeals?.hearing ?? 'hearing') : 'hearing';
    const day = new Date(now.getTime() + 8 * 86_400_000).toISOString().slice(0, 10);
    const meetingId = `m${Object.keys(context.meetings ?? {}).length + 1}`;
    return { meetingId, kind, at: `${day}T10:00` };
  }
  if (type === 'RECORD_MEETING') {
    const meetingId = Object.keys(context.meetings ?? {}).at(-1);
    return meetingId === undefined ? {} : { meetingId, outcome: 'held' };
  }
  return {};
}

/** Someone the policy lets send the command, other than a proposer or submitter deciding their own. */
function rightActor(type: CommandType, policy: Policy, context: PipContext, index: number): Actor {
  const roles = allowedRoles(policy.document, type);
  const fit = ACTORS.filter(
    (actor) =>
      roles.includes(actor.role) &&
      actor.id !== context.submittedBy &&
      actor.id !== context.termination?.proposedBy,
  );
  return fit[index % Math.max(fit.length, 1)] ?? hr;
}

function expectTyped(error: unknown): asserts error is PipkitError {
  if (!(error instanceof PipkitError)) throw error;
  expect(error.issues.length).toBeGreaterThan(0);
}

/** Accepted commands by type, over the runs of one property. */
type Tally = Partial<Record<CommandType, number>>;

/** Runs the steps on one PIP under `policy`; checks explain against dispatch at every command. */
async function run(
  policy: Policy,
  steps: readonly Step[],
  tally: Tally = {},
  /** Forward steps of these types keep their type (sent by the right actor, with a real target). */
  aimed: readonly CommandType[] = [],
): Promise<number> {
  let accepted = 0;
  const h = presetHarness([policy], {
    start: '2026-03-02T15:00:00Z',
    timeZone: 'America/New_York',
  });
  let pipId: string;
  try {
    pipId = (
      await h.open({
        employee: { id: 'emp-1', timeZone: 'America/New_York', level: 5, group: 'staff' },
        // A policy that allows job abandonment runs that procedure, without a plan.
        ...(policy.document.procedures?.jobAbandonment ? { procedure: 'jobAbandonment' } : {}),
      })
    ).pipId;
  } catch (error) {
    expectTyped(error);
    return 0;
  }
  for (const step of steps) {
    if (step.kind === 'advance') {
      h.clock.advance({ days: step.days, hours: step.hours });
      try {
        await h.engine.tick();
      } catch (error) {
        expectTyped(error);
      }
      continue;
    }
    const record = await h.load(pipId);
    const withoutPlan = record.state === 'draft' && record.context.procedure !== undefined;
    const type = step.forward
      ? aimed.includes(step.type)
        ? step.type
        : withoutPlan
          ? 'PROPOSE_TERMINATION'
          : forwardType(record.state, policy, step.variant)
      : step.type;
    const actor = step.forward
      ? rightActor(type, policy, record.context, step.actor)
      : (ACTORS[step.actor] as Actor);
    const command = {
      ...commandFor({ ...step, type }, policy),
      ...(step.forward ? forwardPayload(type, record.context, policy, h.clock.now()) : {}),
    };
    let explained;
    try {
      explained = await h.engine.explain(pipId, command, { actor: actor });
    } catch (error) {
      // Only input the schema refuses may fail to explain; dispatch must refuse it the same way.
      expectTyped(error);
      const again = await h.engine.dispatch(pipId, command, { actor }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expectTyped(again);
      expect(again.code).toBe(error.code);
      continue;
    }
    const before = await h.load(pipId);
    try {
      const result = await h.engine.dispatch(pipId, command, { actor });
      expect(
        explained.accepted,
        `${command.type} by ${actor.id}: ${JSON.stringify(explained.issues)}`,
      ).toBe(true);
      expect(result.events.map((stored) => stored.event.type)).toEqual(explained.events);
      expect(result.pip.state).toBe(explained.nextState);
      accepted += 1;
      tally[command.type] = (tally[command.type] ?? 0) + 1;
    } catch (error) {
      expectTyped(error);
      expect(
        explained.accepted,
        `${command.type} by ${actor.id} was refused: ${error.message}`,
      ).toBe(false);
      const explainedCodes = explained.issues.map((issue) => issue.code);
      for (const issue of error.issues) expect(explainedCodes).toContain(issue.code);
      expect(await h.load(pipId)).toEqual(before);
    }
  }
  const verification = await h.engine.verify(pipId, { actor: hr });
  expect(verification.ok).toBe(true);
  return accepted;
}

describe('properties of the presets', () => {
  it('explain and dispatch always agree, and every refusal is a typed PipkitError', async () => {
    let accepted = 0;
    const tally: Tally = {};
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.values(presets)),
        fc.array(stepArb, { minLength: 1, maxLength: 30 }),
        async (policy, steps) => {
          accepted += await run(policy, steps, tally);
        },
      ),
      { numRuns: 60 },
    );
    // Both sides of the agreement are exercised: commands are accepted as well as refused.
    expect(accepted).toBeGreaterThan(60);
  }, 120_000);
});

const UNITS = ['calendarDays', 'businessDays', 'weeks', 'months'] as const;
const durationArb = (max: number): fc.Arbitrary<Duration> =>
  fc.record({
    amount: fc.integer({ min: 1, max }),
    unit: fc.constantFrom(...UNITS),
    counting: fc.constantFrom('inclusiveStart' as const, 'dayAfter' as const),
    rollForward: fc.constantFrom(
      'none' as const,
      'nextBusinessDay' as const,
      'previousBusinessDay' as const,
    ),
    endOfDay: fc.constant(true as const),
  });
const TWELVE_MONTHS: Duration = {
  amount: 12,
  unit: 'months',
  counting: 'inclusiveStart',
  rollForward: 'none',
  endOfDay: true,
};
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const ROLES = ['employee', 'manager', 'seniorManager', 'hr', 'legal', 'system'] as const;
// Mostly valid choices, with a few that definePolicy must refuse (a self-judging role, an
// unknown recipient), so both paths are exercised.
const rolesArb = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.subarray(['manager', 'seniorManager', 'hr', 'legal'] as const, { minLength: 1 }),
  },
  { weight: 1, arbitrary: fc.subarray([...ROLES], { minLength: 1 }) },
);
const recipientArb = fc.oneof(
  { weight: 19, arbitrary: fc.constantFrom('hr', 'manager', 'union', 'hrDirector') },
  { weight: 1, arbitrary: fc.constant('nobody') },
);

/** A policy document within the schema's shapes (not always valid: definePolicy may refuse it). */
const policyDocumentArb = fc.record({
  id: fc.constant('random-policy'),
  version: fc.constant(1),
  name: fc.constant('Random policy'),
  calendar: fc.record({
    weekend: fc.subarray([1, 2, 3, 4, 5, 6, 7] as const, { maxLength: 6 }),
    holidays: fc.subarray(['2026-03-02', '2026-03-16', '2026-04-03', '2026-05-25', '2026-12-25']),
  }),
  plan: fc.record({
    duration: durationArb(60),
    startsOn: fc.constantFrom('issue' as const, 'acknowledgement' as const),
    minGoals: fc.integer({ min: 1, max: 2 }),
    requireMeasurableGoals: fc.boolean(),
    allowEarlyConclusion: fc.boolean(),
  }),
  approval: fc.record({ required: fc.boolean(), approverRoles: rolesArb }),
  acknowledgement: fc.record({
    mode: fc.constantFrom('required' as const, 'refusalWithWitness' as const),
    due: durationArb(10),
    rebuttalWindow: optional(durationArb(20)),
  }),
  checkIns: fc.record({
    every: fc.record({
      amount: fc.integer({ min: 1, max: 30 }),
      unit: fc.constantFrom('days' as const, 'weeks' as const),
    }),
    at: fc.constantFrom('00:00', '09:30', '23:59'),
    anchor: fc.constantFrom('planStart' as const, 'lastCheckIn' as const),
    onNonBusinessDay: fc.constantFrom('previousBusinessDay' as const, 'keep' as const),
  }),
  extensions: fc
    .record({
      maxCount: fc.integer({ min: 0, max: 3 }),
      unit: fc.constantFrom('calendarDays' as const, 'businessDays' as const, 'weeks' as const),
      maxEach: fc.integer({ min: 1, max: 30 }),
      maxTotal: fc.integer({ min: 1, max: 60 }),
      maxPlanLength: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: durationArb(120) },
      ),
      reasons: optional(fc.constant(['leave'])),
      notify: optional(
        fc.record({
          recipients: fc.array(recipientArb, { minLength: 1, maxLength: 2 }),
          within: durationArb(10),
        }),
      ),
    })
    .map((extensions) => ({
      ...extensions,
      maxTotal: Math.max(extensions.maxTotal, extensions.maxEach),
    })),
  review: fc.record({ due: durationArb(15) }),
  termination: fc.record({
    noticePeriod: durationArb(40),
    replyWindow: durationArb(30),
    decisionDue: optional(durationArb(30)),
    deciderRoles: rolesArb,
    noticeExtension: optional(
      fc.record({
        maxDays: fc.integer({ min: 0, max: 30 }),
        reasons: fc.constant(['reasonableAccommodation']),
      }),
    ),
  }),
  investigation: fc.record({ stopsClock: fc.boolean(), due: optional(durationArb(10)) }),
  procedures: optional(
    fc.record({
      misconduct: optional(fc.constant({})),
      jobAbandonment: optional(fc.record({ afterWorkingDays: fc.integer({ min: 1, max: 10 }) })),
    }),
  ),
  leave: optional(
    fc.record({
      extendsAfterDays: fc.integer({ min: 0, max: 10 }),
      checkIns: fc.constantFrom('shift' as const, 'keep' as const, 'moveInside' as const),
    }),
  ),
  appealWindow: optional(durationArb(30)),
  stages: optional(
    fc
      // A year's life: always longer than the review period (otherwise a contradiction).
      .tuple(
        optional(durationArb(6)),
        optional(fc.constant(TWELVE_MONTHS)),
        fc.boolean(),
        fc.boolean(),
      )
      .map(([reviewPeriod, warningLife, skippable, dismissal]) => [
        {
          id: 'firstWarning',
          label: 'first warning',
          ...(reviewPeriod ? { reviewPeriod } : {}),
          ...(warningLife ? { warningLife } : {}),
          ...(skippable ? { skippableFor: ['seriousImpact'] } : {}),
        },
        { id: 'finalWarning', label: 'final warning', ...(warningLife ? { warningLife } : {}) },
        ...(dismissal
          ? [{ id: 'dismissal', label: 'dismissal', decisions: ['remove' as const] }]
          : []),
      ]),
  ),
  appeals: optional(
    fc.record({
      window: durationArb(10),
      decideWithin: optional(durationArb(10)),
      deciderRoles: fc.constantFrom(['hr'] as const, ['seniorManager', 'hr'] as const),
    }),
  ),
  retention: optional(durationArb(24)),
  watchWindow: optional(durationArb(12)),
  watchWindowFrom: fc.constantFrom('pass' as const, 'planStart' as const),
  recordPurge: optional(
    fc.record({
      after: durationArb(12),
      from: fc.constantFrom('proposal' as const, 'outcome' as const),
    }),
  ),
  plans: fc.record({
    maxWithin: optional(
      fc.record({ count: fc.integer({ min: 1, max: 2 }), period: durationArb(12) }),
    ),
  }),
  // The employee opens at level 5 in group `staff`: some rules admit them, some refuse the open.
  eligibility: optional(
    fc.record({
      maxLevel: optional(fc.integer({ min: 3, max: 8 })),
      groups: optional(
        fc.constantFrom(
          { include: ['staff'] },
          { include: ['academic'] },
          { exclude: ['academic'] },
          { exclude: ['staff', 'academic'] },
        ),
      ),
    }),
  ),
  recipients: fc.constant(['union', 'hrDirector']),
  reminders: fc.array(
    fc.record({
      before: fc.constantFrom(
        'acknowledgement' as const,
        'checkIn' as const,
        'planEnd' as const,
        'review' as const,
        'reply' as const,
        'decision' as const,
      ),
      offset: fc.oneof(
        fc.record({ hours: fc.integer({ min: 1, max: 72 }) }),
        fc.record({ calendarDays: fc.integer({ min: 1, max: 5 }) }),
      ),
      notify: fc.array(recipientArb, { minLength: 1, maxLength: 2 }),
    }),
    { maxLength: 3 },
  ),
  escalations: fc.array(
    fc.record({
      trigger: fc.constantFrom(
        'checkInMissed' as const,
        'acknowledgementOverdue' as const,
        'reviewOverdue' as const,
        'decisionOverdue' as const,
        'investigationOverdue' as const,
        'obligationOverdue' as const,
      ),
      occurrence: optional(fc.integer({ min: 1, max: 3 })),
      notify: fc.array(recipientArb, { minLength: 1, maxLength: 2 }),
    }),
    { maxLength: 3 },
  ),
  requiredDocuments: fc.record(
    {
      ISSUE: fc.constant(['planDocument']),
      PASS: fc.constant(['finalReview']),
      DECIDE: fc.constant(['decisionLetter']),
    },
    { requiredKeys: [] },
  ),
});

/** The commands of stages, meetings and appeals, sent after a first warning is issued. */
const STAGE_COMMANDS: readonly CommandType[] = [
  'APPEAL',
  'RECORD_APPEAL_OUTCOME',
  'ISSUE_STAGE',
  'SCHEDULE_MEETING',
  'POSTPONE_MEETING',
  'RECORD_MEETING',
  'CANCEL_MEETING',
];

const stageStepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('command' as const),
      // Appeals and their outcomes twice as often: they need the most steps to reach.
      type: fc.constantFrom(...STAGE_COMMANDS, 'APPEAL', 'RECORD_APPEAL_OUTCOME'),
      actor: fc.nat({ max: ACTORS.length - 1 }),
      variant: fc.nat({ max: 5 }),
      withDocuments: fc.boolean(),
      forward: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      days: fc.integer({ min: 0, max: 4 }),
      hours: fc.integer({ min: 1, max: 23 }),
    }),
  },
);

/** Forward steps that issue (and, with approval, approve) the plan, then a first warning by the manager. */
const UP_TO_A_FIRST_WARNING: readonly Step[] = [
  ...[0, 1, 2].map((): Step => ({
    kind: 'command',
    type: 'ISSUE',
    actor: 0,
    variant: 0,
    withDocuments: true,
    forward: true,
  })),
  {
    kind: 'command',
    type: 'ISSUE_STAGE',
    actor: ACTORS.indexOf(manager),
    variant: 0,
    withDocuments: true,
    forward: false,
  },
];

/** The default policy with a ladder and appeals decided by HR without a hearing. */
const ladderPolicy = definePolicy({
  ...presets.default.document,
  id: 'ladder-without-hearing',
  stages: [
    {
      id: 'firstWarning',
      label: 'first warning',
      reviewPeriod: durations.inclusiveMonths(1, { monthEnd: 'bgb188' }),
    },
    { id: 'finalWarning', label: 'final warning' },
  ],
  appeals: {
    window: durations.businessDaysAfter(5),
    decideWithin: durations.businessDaysAfter(5),
    deciderRoles: ['hr'],
  },
});

/** A forward step of an aimed type: sent by someone the policy allows, naming a real target. */
const aimedStep = (type: CommandType, actor = 0, variant = 0): Step => ({
  kind: 'command',
  type,
  actor,
  variant,
  withDocuments: true,
  forward: true,
});

/**
 * An appeal's course as aimed steps: lodged against the latest stage, heard at a meeting about a
 * week ahead (the UK preset's appeal hearing), then decided. Whether each step is accepted is
 * still the policy's and the run's state's to say.
 */
const appealCourse = (actor = 0, variant = 0, days = 9): Step[] => [
  aimedStep('APPEAL', actor, variant),
  aimedStep('SCHEDULE_MEETING', actor, variant),
  { kind: 'advance', days, hours: 1 },
  aimedStep('RECORD_MEETING', actor, variant),
  aimedStep('RECORD_APPEAL_OUTCOME', actor, variant),
];

/**
 * The steps after the first warning: random stage, meeting and appeal steps, with an appeal's
 * whole course among them about one chunk in eight, so that most runs lodge, hear and decide an
 * appeal instead of reaching one by luck.
 */
const stageStepsArb: fc.Arbitrary<Step[]> = fc
  .array(
    fc.oneof(
      { weight: 7, arbitrary: stageStepArb.map((step) => [step]) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.nat({ max: ACTORS.length - 1 }),
            fc.nat({ max: 5 }),
            fc.integer({ min: 9, max: 12 }),
          )
          .map(([actor, variant, days]) => appealCourse(actor, variant, days)),
      },
    ),
    { minLength: 4, maxLength: 12 },
  )
  .map((chunks) => chunks.flat());

/**
 * One run per policy that takes an appeal against the first warning through its whole course.
 * fast-check runs them every time, before the random runs, so an appeal decided on each policy
 * does not rest on chance.
 */
const APPEALS_DECIDED: [Policy, Step[]][] = [
  [ladderPolicy, appealCourse()],
  [presets.ukAcasCapability, appealCourse()],
];

describe('properties of stages, meetings and appeals', () => {
  it('explain and dispatch agree on every stage, meeting and appeal command, and appeals are accepted', async () => {
    const byPolicy = new Map<string, Tally>();
    const RANDOM_RUNS = 60;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(presets.ukAcasCapability, ladderPolicy),
        stageStepsArb,
        async (policy, steps) => {
          const tally = byPolicy.get(policy.document.id) ?? {};
          byPolicy.set(policy.document.id, tally);
          await run(policy, [...UP_TO_A_FIRST_WARNING, ...steps], tally, STAGE_COMMANDS);
        },
      ),
      // The examples count among numRuns: the random runs stay 60.
      { numRuns: RANDOM_RUNS + APPEALS_DECIDED.length, examples: APPEALS_DECIDED },
    );
    const accepted = (type: CommandType) =>
      [...byPolicy.values()].reduce((sum, tally) => sum + (tally[type] ?? 0), 0);
    // The runs reach states where an appeal is accepted, and go on to decide some; without this
    // the agreement could hold only because every APPEAL was refused. Every run issues a first
    // warning, and the aimed examples decide an appeal under each policy, whatever the seed.
    // Measured over 60 seeds, 60 random runs each: ISSUE_STAGE 60 to 69, APPEAL 41 to 57 (mean 49,
    // sd 3.4), SCHEDULE_MEETING 65 to 99 (mean 79, sd 8.2) and RECORD_APPEAL_OUTCOME 23 to 41, so
    // the floors of 15 sit 7 or more standard deviations below the means. Before the appeal
    // courses, 1 seed in 150 decided no appeal and SCHEDULE_MEETING came within 2 of its floor.
    expect(accepted('ISSUE_STAGE')).toBeGreaterThanOrEqual(40);
    expect(accepted('APPEAL')).toBeGreaterThanOrEqual(15);
    expect(accepted('SCHEDULE_MEETING')).toBeGreaterThanOrEqual(15);
    for (const [policy] of APPEALS_DECIDED) {
      const decided = byPolicy.get(policy.document.id)?.RECORD_APPEAL_OUTCOME ?? 0;
      expect(decided, `appeals decided under ${policy.document.id}`).toBeGreaterThanOrEqual(1);
    }
  }, 120_000);
});

describe('properties of random policies', () => {
  it('never crash the engine: definePolicy and every command refuse only with typed PipkitErrors', async () => {
    let defined = 0;
    const tally: Tally = {};
    await fc.assert(
      fc.asyncProperty(
        policyDocumentArb,
        fc.array(stepArb, { minLength: 1, maxLength: 20 }),
        async (document, steps) => {
          let policy: Policy;
          try {
            policy = definePolicy(JSON.parse(JSON.stringify(document)) as PolicyDocumentInput);
          } catch (error) {
            expectTyped(error);
            expect(error.code).toBe('INVALID_POLICY');
            return;
          }
          defined += 1;
          await run(policy, steps, tally);
        },
      ),
      { numRuns: 300 },
    );
    // The generator must reach the engine, not only definePolicy's refusals. With stage ladders in
    // the mix about one document in six is valid, so 300 runs define about 50 (20 is far below).
    expect(defined).toBeGreaterThan(20);
  }, 120_000);
});

describe('a rolling check-in cadence', () => {
  it('counts the next check-in from a missed one, so a sweep after a held then missed check-in ends', async () => {
    const rolling = definePolicy({
      ...presets.default.document,
      id: 'rolling-check-ins',
      checkIns: { ...presets.default.document.checkIns, anchor: 'lastCheckIn' },
    });
    const h = presetHarness([rolling], {
      start: '2026-03-02T15:00:00Z',
      timeZone: 'America/New_York',
    });
    const { pipId } = await h.open();
    await h.send(pipId, { type: 'SUBMIT_FOR_APPROVAL', documents: [doc('planDocument')] }, manager);
    await h.send(pipId, { type: 'APPROVE' }, hr);
    await h.send(
      pipId,
      { type: 'ACKNOWLEDGE', documentSha256: doc('planDocument').sha256 },
      employee,
    );
    h.at('2026-03-10T15:00:00Z');
    await h.send(
      pipId,
      { type: 'RECORD_CHECK_IN', assessment: 'mixed', documents: [doc('checkInNotes')] },
      manager,
    );
    // Held Tue 10 Mar: the next is due two weeks later, Tue 24 Mar; missed, then Tue 7 Apr.
    expect((await h.load(pipId)).context.deadlines['checkIn:2']?.date).toBe('2026-03-24');
    h.at('2026-03-25T12:00:00Z');
    expect(await h.tick()).toEqual(['checkIn:2:CHECK_IN_MISSED+ESCALATED']);
    expect((await h.load(pipId)).context.deadlines['checkIn:3']?.date).toBe('2026-04-07');
  });
});
