import { describe, expect, it } from 'vitest';
import {
  type Actor,
  type Command,
  CommandRefusedError,
  createEngine,
  defaultPolicy,
  defaultPolicyDocument,
  definePolicy,
  durations,
  type Engine,
  type OpenPipInput,
  ForbiddenError,
  IdempotencyKeyReusedError,
  memoryStore,
  PipAlreadyExistsError,
  PipkitError,
  PipNotFoundError,
  type PipStore,
  type Policy,
  PolicyNotFoundError,
  ValidationError,
  VersionConflictError,
} from '../index.js';
import { createTestClock, type TestClock } from '../testing/index.js';

const hr: Actor = { id: 'hr-1', role: 'hr' };
const hr2: Actor = { id: 'hr-2', role: 'hr' };
const manager: Actor = { id: 'mgr-1', role: 'manager' };
const employee: Actor = { id: 'emp-1', role: 'employee' };
const PIP = 'pip-1';

const sha = (n: number): string => n.toString(16).padStart(64, '0');
const doc = (kind: string, n: number) => ({ kind, ref: `dms://${kind}/${n}`, sha256: sha(n) });
const PLAN_DOC = doc('planDocument', 1);

interface Harness {
  engine: Engine;
  store: PipStore;
  clock: TestClock;
}

function harness(policies: Policy[] = [defaultPolicy], store: PipStore = memoryStore()): Harness {
  // Monday 2 March 2026, 10:00 in New York (EST, before the 8 March DST change).
  const clock = createTestClock('2026-03-02T15:00:00Z');
  return { engine: createEngine({ store, policies, clock, ids: () => PIP }), store, clock };
}

async function openDraft(h: Harness, policyId = 'pipkit-default') {
  return h.engine.open(
    {
      employee: { id: 'emp-1', timeZone: 'America/New_York' },
      managerId: 'mgr-1',
      policy: { id: policyId },
      goals: [
        { id: 'g1', description: 'Resolve tickets on time', measure: '90% within SLA each week' },
      ],
    },
    { actor: manager },
  );
}

/** Draft -> approved and issued (Mon 2 Mar) -> acknowledged (Tue 3 Mar): the plan runs 3 Mar to 1 May. */
async function toActive(h: Harness) {
  await openDraft(h);
  await h.engine.dispatch(
    PIP,
    { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN_DOC] },
    { actor: manager },
  );
  await h.engine.dispatch(PIP, { type: 'APPROVE' }, { actor: hr });
  h.clock.set('2026-03-03T15:00:00Z');
  return h.engine.dispatch(
    PIP,
    { type: 'ACKNOWLEDGE', documentSha256: PLAN_DOC.sha256 },
    { actor: employee },
  );
}

async function refusal(promise: Promise<unknown>): Promise<PipkitError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PipkitError);
  return error as PipkitError;
}

const codes = (error: PipkitError) => error.issues.map((issue) => issue.code);

async function expectNothingWritten(h: Harness, attempt: () => Promise<unknown>) {
  const before = await h.store.load(PIP);
  const events = await h.store.readEvents(PIP);
  const outbox = await h.store.pendingOutbox(1000);
  const error = await refusal(attempt());
  expect(await h.store.load(PIP)).toEqual(before);
  expect(await h.store.readEvents(PIP)).toEqual(events);
  expect(await h.store.pendingOutbox(1000)).toEqual(outbox);
  return error;
}

describe('opening a PIP', () => {
  it('creates a draft at version 1 pinned to the newest policy version', async () => {
    const newer = definePolicy({ ...defaultPolicyDocument, version: 2 });
    const h = harness([defaultPolicy, newer]);
    const { pip, events } = await openDraft(h);
    expect(pip).toMatchObject({
      pipId: PIP,
      state: 'draft',
      version: 1,
      policyId: 'pipkit-default',
      policyVersion: 2,
    });
    expect(events.map((event) => event.event.type)).toEqual(['PIP_CREATED']);
  });

  it('records documents sent with the open request as a second event', async () => {
    const h = harness();
    const { pip } = await h.engine.open(
      {
        employee: { id: 'emp-1', timeZone: 'Europe/London' },
        managerId: 'mgr-1',
        policy: { id: 'pipkit-default', version: 1 },
        documents: [PLAN_DOC],
      },
      { actor: hr },
    );
    expect(pip.version).toBe(2);
    expect(pip.context.documents).toEqual([
      { ...PLAN_DOC, attachedAt: '2026-03-02T15:00:00.000Z', attachedBy: 'hr-1' },
    ]);
  });

  it('refuses an unknown time zone, an unknown field and a missing manager with INVALID_INPUT', async () => {
    const h = harness();
    const error = await refusal(
      h.engine.open(
        {
          employee: { id: 'emp-1', timeZone: 'Mars/Olympus' },
          policy: { id: 'pipkit-default' },
          salary: 1,
        } as unknown as OpenPipInput,
        { actor: manager },
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.issues.map((issue) => issue.path.join('.'))).toEqual(
      expect.arrayContaining(['employee.timeZone', 'managerId', 'salary']),
    );
    expect(await h.store.list()).toEqual([]);
  });

  it('refuses an unknown policy and an employee opening their own plan', async () => {
    const h = harness();
    const unknown = await refusal(
      h.engine.open(
        { employee: { id: 'emp-1', timeZone: 'UTC' }, managerId: 'mgr-1', policy: { id: 'nope' } },
        { actor: manager },
      ),
    );
    expect(unknown).toBeInstanceOf(PolicyNotFoundError);
    const self = await refusal(
      h.engine.open(
        {
          employee: { id: 'emp-1', timeZone: 'UTC' },
          managerId: 'mgr-1',
          policy: { id: 'pipkit-default' },
        },
        { actor: employee },
      ),
    );
    expect(self).toBeInstanceOf(ForbiddenError);
    expect(await h.store.list()).toEqual([]);
  });

  it('never overwrites an existing PIP id', async () => {
    const h = harness();
    await openDraft(h);
    const error = await expectNothingWritten(h, () => openDraft(h));
    expect(error).toBeInstanceOf(PipAlreadyExistsError);
  });

  it('returns the first result for a repeated open with the same idempotency key', async () => {
    const h = harness();
    const input = {
      employee: { id: 'emp-1', timeZone: 'UTC' },
      managerId: 'mgr-1',
      policy: { id: 'pipkit-default' },
    };
    const first = await h.engine.open(input, { actor: hr, idempotencyKey: 'open-1' });
    const second = await h.engine.open(input, { actor: hr, idempotencyKey: 'open-1' });
    expect(second.replayed).toBe(true);
    expect(second.events).toEqual(first.events);
  });
});

describe('draft and approval', () => {
  it('updates goals in draft and refuses goals without a measurable criterion', async () => {
    const h = harness();
    await openDraft(h);
    const { pip } = await h.engine.dispatch(
      PIP,
      {
        type: 'UPDATE_PLAN',
        goals: [{ id: 'g2', description: 'Document designs', measure: 'One ADR per feature' }],
      },
      { actor: manager },
    );
    expect(pip.context.goals.map((goal) => goal.id)).toEqual(['g2']);
    const error = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        {
          type: 'UPDATE_PLAN',
          goals: [
            { id: 'g3', description: 'Be better' },
            { id: 'g3', description: 'Again' },
          ],
        },
        { actor: manager },
      ),
    );
    expect(codes(error)).toEqual(['GOAL_NOT_MEASURABLE', 'GOAL_NOT_MEASURABLE', 'DUPLICATE_GOAL']);
  });

  it('refuses submission without the plan document and lists it as missing', async () => {
    const h = harness();
    await openDraft(h);
    const error = await expectNothingWritten(h, () =>
      h.engine.dispatch(PIP, { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager }),
    );
    expect(error).toBeInstanceOf(CommandRefusedError);
    expect(error.issues).toEqual([
      {
        code: 'DOCUMENT_MISSING',
        path: ['documents', 'planDocument'],
        message: expect.stringContaining('planDocument') as string,
      },
    ]);
  });

  it('moves to pendingApproval and asks HR to approve through the outbox', async () => {
    const h = harness();
    await openDraft(h);
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN_DOC] },
      { actor: manager },
    );
    expect(pip.state).toBe('pendingApproval');
    const outbox = await h.store.pendingOutbox(10);
    expect(outbox).toEqual([
      expect.objectContaining({
        id: `${PIP}:3:0`,
        type: 'pip.approvalRequested',
        payload: expect.objectContaining({ notify: ['hr'] }) as unknown,
      }),
    ]);
  });

  it('approves and issues the plan, due for acknowledgement five business days later', async () => {
    const h = harness();
    await openDraft(h);
    await h.engine.dispatch(
      PIP,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN_DOC] },
      { actor: manager },
    );
    const { pip } = await h.engine.dispatch(PIP, { type: 'APPROVE' }, { actor: hr });
    expect(pip.state).toBe('opened');
    expect(pip.context.approvedBy).toBe('hr-1');
    // Issued Monday 2 March: business days 3, 4, 5, 6, 9 March; end of 9 March in New York (EDT from 8 March).
    expect(pip.context.deadlines.acknowledgement).toEqual({
      id: 'acknowledgement',
      kind: 'acknowledgement',
      date: '2026-03-09',
      dueAt: '2026-03-10T03:59:59.999Z',
    });
  });

  it('refuses approval by the person who submitted, and by a role that may not approve', async () => {
    const h = harness();
    await openDraft(h);
    await h.engine.dispatch(
      PIP,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN_DOC] },
      { actor: hr },
    );
    const self = await expectNothingWritten(h, () =>
      h.engine.dispatch(PIP, { type: 'APPROVE' }, { actor: hr }),
    );
    expect(self).toBeInstanceOf(ForbiddenError);
    expect(codes(self)).toEqual(['SEPARATION_OF_DUTIES']);
    const role = await expectNothingWritten(h, () =>
      h.engine.dispatch(PIP, { type: 'APPROVE' }, { actor: manager }),
    );
    expect(codes(role)).toEqual(['ROLE_NOT_ALLOWED']);
    const { pip } = await h.engine.dispatch(PIP, { type: 'APPROVE' }, { actor: hr2 });
    expect(pip.state).toBe('opened');
  });

  it('returns a rejected plan to draft', async () => {
    const h = harness();
    await openDraft(h);
    await h.engine.dispatch(
      PIP,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN_DOC] },
      { actor: manager },
    );
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'REJECT', reasonCode: 'goalsUnclear' },
      { actor: hr },
    );
    expect(pip.state).toBe('draft');
    expect(pip.context.submittedBy).toBeUndefined();
  });

  it('refuses ISSUE when the policy requires approval, and issues directly when it does not', async () => {
    const noApproval = definePolicy({
      ...defaultPolicyDocument,
      id: 'no-approval',
      approval: { required: false },
      plan: { ...defaultPolicyDocument.plan, startsOn: 'issue' },
    });
    const h = harness([defaultPolicy, noApproval]);
    await openDraft(h);
    const error = await expectNothingWritten(h, () =>
      h.engine.dispatch(PIP, { type: 'ISSUE', documents: [PLAN_DOC] }, { actor: manager }),
    );
    expect(codes(error)).toEqual(['APPROVAL_REQUIRED']);

    const other = harness([noApproval]);
    await openDraft(other, 'no-approval');
    const { pip } = await other.engine.dispatch(
      PIP,
      { type: 'ISSUE', documents: [PLAN_DOC] },
      { actor: manager },
    );
    expect(pip.state).toBe('opened');
    // The clock starts at issue under this policy: 60 days from Monday 2 March ends 30 April.
    expect(pip.context.plan).toMatchObject({ startDate: '2026-03-02', endDate: '2026-04-30' });
  });
});

describe('acknowledgement', () => {
  it('starts the plan when the employee acknowledges the exact document shown', async () => {
    const h = harness();
    const { pip } = await toActive(h);
    expect(pip.state).toBe('active');
    expect(pip.context.acknowledgement).toMatchObject({
      kind: 'signed',
      by: 'emp-1',
      documentSha256: PLAN_DOC.sha256,
    });
    // C1: 60 days including Tuesday 3 March ends Friday 1 May, 23:59:59.999 EDT.
    expect(pip.context.plan).toEqual({
      startDate: '2026-03-03',
      endDate: '2026-05-01',
      originalEndDate: '2026-05-01',
      anchorDate: '2026-03-03',
    });
    expect(pip.context.deadlines.planEnd?.dueAt).toBe('2026-05-02T03:59:59.999Z');
    // First check-in two weeks after the start at 09:00 New York time, after the DST change (UTC-4).
    expect(pip.context.deadlines['checkIn:1']).toMatchObject({
      date: '2026-03-17',
      scheduledAt: '2026-03-17T13:00:00.000Z',
    });
    expect(pip.context.deadlines.acknowledgement).toBeUndefined();
  });

  it('refuses an acknowledgement of a document that is not on the plan, or by someone else', async () => {
    const h = harness();
    await openDraft(h);
    await h.engine.dispatch(
      PIP,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN_DOC] },
      { actor: manager },
    );
    await h.engine.dispatch(PIP, { type: 'APPROVE' }, { actor: hr });
    const wrongDoc = await expectNothingWritten(h, () =>
      h.engine.dispatch(PIP, { type: 'ACKNOWLEDGE', documentSha256: sha(99) }, { actor: employee }),
    );
    expect(codes(wrongDoc)).toEqual(['DOCUMENT_NOT_ATTACHED']);
    const stranger = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'ACKNOWLEDGE', documentSha256: PLAN_DOC.sha256 },
        { actor: { id: 'emp-2', role: 'employee' } },
      ),
    );
    expect(stranger).toBeInstanceOf(ForbiddenError);
    expect(codes(stranger)).toEqual(['NOT_THE_EMPLOYEE']);
  });

  it('starts the plan on a witnessed refusal to sign, and refuses a witness who is not independent', async () => {
    const h = harness();
    await openDraft(h);
    await h.engine.dispatch(
      PIP,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN_DOC] },
      { actor: manager },
    );
    await h.engine.dispatch(PIP, { type: 'APPROVE' }, { actor: hr });
    const notIndependent = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'RECORD_REFUSAL', documentSha256: PLAN_DOC.sha256, witnessId: 'mgr-1' },
        { actor: manager },
      ),
    );
    expect(codes(notIndependent)).toEqual(['WITNESS_NOT_INDEPENDENT']);
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'RECORD_REFUSAL', documentSha256: PLAN_DOC.sha256, witnessId: 'hr-2' },
      { actor: manager },
    );
    expect(pip.state).toBe('active');
    expect(pip.context.acknowledgement).toMatchObject({
      kind: 'refusalWitnessed',
      witnessId: 'hr-2',
    });
  });

  it('refuses a witnessed refusal when the policy requires the signature', async () => {
    const strict = definePolicy({
      ...defaultPolicyDocument,
      acknowledgement: { mode: 'required', due: durations.businessDaysAfter(5) },
    });
    const h = harness([strict]);
    await openDraft(h);
    await h.engine.dispatch(
      PIP,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN_DOC] },
      { actor: manager },
    );
    await h.engine.dispatch(PIP, { type: 'APPROVE' }, { actor: hr });
    const error = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'RECORD_REFUSAL', documentSha256: PLAN_DOC.sha256, witnessId: 'hr-2' },
        { actor: manager },
      ),
    );
    expect(codes(error)).toEqual(['ACKNOWLEDGEMENT_REQUIRED']);
  });

  it('escalates an overdue acknowledgement to HR once, through an event and an outbox row', async () => {
    const h = harness();
    await openDraft(h);
    await h.engine.dispatch(
      PIP,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN_DOC] },
      { actor: manager },
    );
    await h.engine.dispatch(PIP, { type: 'APPROVE' }, { actor: hr });
    expect((await h.engine.tick('2026-03-10T03:59:59.998Z')).fired).toEqual([]);
    const tick = await h.engine.tick('2026-03-10T03:59:59.999Z');
    expect(tick.fired.map((fired) => fired.events)).toEqual([
      ['ACKNOWLEDGEMENT_OVERDUE', 'ESCALATED'],
    ]);
    expect((await h.engine.tick('2026-03-11T00:00:00Z')).fired).toEqual([]);
    const escalation = (await h.store.pendingOutbox(10)).find(
      (message) => message.type === 'pip.escalation.acknowledgementOverdue',
    );
    expect(escalation?.payload.notify).toEqual(['hr']);
    expect((await h.engine.get(PIP, { actor: hr })).state).toBe('opened');
  });
});

describe('check-ins', () => {
  it('closes the check-in deadline when held and schedules the next on the fortnightly grid', async () => {
    const h = harness();
    await toActive(h);
    h.clock.set('2026-03-17T13:30:00Z');
    const missingNotes = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'RECORD_CHECK_IN', assessment: 'onTrack' },
        { actor: manager },
      ),
    );
    expect(codes(missingNotes)).toEqual(['DOCUMENT_MISSING']);
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'RECORD_CHECK_IN', assessment: 'mixed', documents: [doc('checkInNotes', 2)] },
      { actor: manager },
    );
    expect(pip.context.checkIns).toMatchObject({ held: 1, missed: 0, next: 2 });
    expect(pip.context.deadlines['checkIn:1']).toBeUndefined();
    expect(pip.context.deadlines['checkIn:2']).toMatchObject({
      date: '2026-03-31',
      scheduledAt: '2026-03-31T13:00:00.000Z',
    });
  });

  it('reports each missed check-in once and climbs the escalation ladder', async () => {
    const h = harness();
    await toActive(h);
    const tick = await h.engine.tick('2026-04-01T12:00:00Z');
    expect(tick.fired.map((fired) => [fired.deadlineId, fired.events])).toEqual([
      ['checkIn:1', ['CHECK_IN_MISSED', 'ESCALATED']],
      ['checkIn:2', ['CHECK_IN_MISSED', 'ESCALATED']],
    ]);
    const notified = (await h.store.pendingOutbox(100))
      .filter((message) => message.type === 'pip.escalation.checkInMissed')
      .map((message) => message.payload.notify);
    expect(notified).toEqual([['hr'], ['hr', 'hrDirector']]);
    expect((await h.engine.tick('2026-04-01T12:00:00Z')).fired).toEqual([]);
    const pip = await h.engine.get(PIP, { actor: hr });
    expect(pip.context.checkIns).toMatchObject({ held: 0, missed: 2, next: 3 });
    expect(pip.context.escalations).toBe(2);
  });

  it('moves a check-in that falls on a weekend to the working day before', async () => {
    const weekly = definePolicy({
      ...defaultPolicyDocument,
      checkIns: { every: { amount: 5, unit: 'days' }, at: '09:00' },
    });
    const h = harness([weekly]);
    const { pip } = await toActive(h);
    // Tuesday 3 March + 5 days is Sunday 8 March: the obligation is met on Friday 6 March instead.
    expect(pip.context.deadlines['checkIn:1']).toMatchObject({
      date: '2026-03-06',
      scheduledAt: '2026-03-06T14:00:00.000Z',
    });
  });
});

describe('pausing for protected leave', () => {
  it('stops the clock: nothing is missed while paused and the plan end moves by the paused days', async () => {
    const h = harness();
    await toActive(h);
    h.clock.set('2026-03-10T15:00:00Z');
    const paused = await h.engine.dispatch(
      PIP,
      { type: 'PAUSE', category: 'medicalLeave', hostRef: 'leave-77' },
      { actor: hr },
    );
    expect(paused.pip.state).toBe('paused');
    expect(paused.pip.context.deadlines).toEqual({});
    expect(JSON.stringify(paused.pip.context)).not.toMatch(/surgery|illness/);
    expect((await h.engine.tick('2026-03-19T12:00:00Z')).fired).toEqual([]);
    h.clock.set('2026-03-20T15:00:00Z');
    const { pip, events } = await h.engine.dispatch(PIP, { type: 'RESUME' }, { actor: hr });
    expect(pip.state).toBe('active');
    expect(events.at(-1)?.event).toMatchObject({ type: 'RESUMED', pausedDays: 10 });
    expect(pip.context.plan).toMatchObject({
      endDate: '2026-05-11',
      originalEndDate: '2026-05-01',
      anchorDate: '2026-03-13',
    });
    expect(pip.context.deadlines['checkIn:1']?.date).toBe('2026-03-27');
    expect(pip.context.pausedDays).toBe(10);
    expect(pip.context.pause).toBeUndefined();
  });

  it('refuses RESUME when the plan is not paused, and PAUSE by a manager', async () => {
    const h = harness();
    await toActive(h);
    const resume = await expectNothingWritten(h, () =>
      h.engine.dispatch(PIP, { type: 'RESUME' }, { actor: hr }),
    );
    expect(codes(resume)).toEqual(['NOT_ALLOWED_IN_STATE']);
    const pause = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'PAUSE', category: 'parentalLeave', hostRef: 'x' },
        { actor: manager },
      ),
    );
    expect(codes(pause)).toEqual(['ROLE_NOT_ALLOWED']);
  });
});

describe('extensions', () => {
  it('extends within the limits and returns to extended after a pause', async () => {
    const h = harness();
    await toActive(h);
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'EXTEND', amount: 30, reason: 'training delayed' },
      { actor: manager },
    );
    expect(pip.state).toBe('extended');
    // 1 May + 30 days is 31 May: exactly the 90-day cap from 3 March.
    expect(pip.context.plan).toMatchObject({
      endDate: '2026-05-31',
      originalEndDate: '2026-05-01',
    });
    expect(pip.context.extensions).toEqual({ count: 1, total: 30 });
    await h.engine.dispatch(
      PIP,
      { type: 'PAUSE', category: 'protectedLeave', hostRef: 'l-1' },
      { actor: hr },
    );
    expect((await h.engine.dispatch(PIP, { type: 'RESUME' }, { actor: hr })).pip.state).toBe(
      'extended',
    );
  });

  it('lists every limit an extension breaks at once', async () => {
    const h = harness();
    await toActive(h);
    const error = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'EXTEND', amount: 31, reason: 'more time' },
        { actor: manager },
      ),
    );
    expect(codes(error)).toEqual([
      'EXTENSION_TOO_LONG',
      'EXTENSION_TOTAL_EXCEEDED',
      'PLAN_CAP_EXCEEDED',
    ]);
    await h.engine.dispatch(
      PIP,
      { type: 'EXTEND', amount: 10, reason: 'more time' },
      { actor: manager },
    );
    const second = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'EXTEND', amount: 5, reason: 'more time' },
        { actor: manager },
      ),
    );
    expect(codes(second)).toEqual(['EXTENSION_LIMIT_REACHED']);
  });

  it('refuses a reason the policy does not list', async () => {
    const listed = definePolicy({
      ...defaultPolicyDocument,
      extensions: {
        ...defaultPolicyDocument.extensions,
        reasons: ['approvedLeave', 'trainingDelayed'],
      },
    });
    const h = harness([listed]);
    await toActive(h);
    const error = await expectNothingWritten(h, () =>
      h.engine.dispatch(PIP, { type: 'EXTEND', amount: 5, reason: 'because' }, { actor: manager }),
    );
    expect(codes(error)).toEqual(['EXTENSION_REASON_NOT_ALLOWED']);
  });
});

describe('review and outcomes', () => {
  async function toReview(h: Harness) {
    await toActive(h);
    await h.engine.tick('2026-05-02T12:00:00Z');
    return h.engine.get(PIP, { actor: hr });
  }

  it('ends the period at the end of its last day and sets the review due five business days later', async () => {
    const h = harness();
    const pip = await toReview(h);
    expect(pip.state).toBe('review');
    expect(pip.context.checkIns.missed).toBe(4);
    expect(pip.context.deadlines).toEqual({
      review: {
        id: 'review',
        kind: 'review',
        date: '2026-05-08',
        dueAt: '2026-05-09T03:59:59.999Z',
      },
    });
  });

  it('refuses to conclude early unless the policy allows it', async () => {
    const h = harness();
    await toActive(h);
    const error = await expectNothingWritten(h, () =>
      h.engine.dispatch(PIP, { type: 'CONCLUDE_EARLY' }, { actor: manager }),
    );
    expect(codes(error)).toEqual(['EARLY_CONCLUSION_NOT_ALLOWED']);
  });

  it('passes with a six-month watch window, then absorbs every command', async () => {
    const h = harness();
    await toReview(h);
    h.clock.set('2026-05-04T15:00:00Z');
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'PASS', documents: [doc('finalReview', 3)] },
      { actor: manager },
    );
    expect(pip.state).toBe('passed.watching');
    expect(pip.context.outcome).toMatchObject({ status: 'passed', reason: 'passed', by: 'mgr-1' });
    expect(pip.context.deadlines.watch).toMatchObject({ date: '2026-11-04' });
    await h.engine.tick('2026-11-05T12:00:00Z');
    expect((await h.engine.get(PIP, { actor: hr })).state).toBe('passed.completed');
    const error = await expectNothingWritten(h, () =>
      h.engine.dispatch(PIP, { type: 'CLOSE', reason: 'withdrawn' }, { actor: hr }),
    );
    expect(codes(error)).toEqual(['PIP_CLOSED']);
  });

  it('proposes termination with notice and a reply window, and keeps the decision from the proposer', async () => {
    const h = harness();
    await toReview(h);
    h.clock.set('2026-05-05T15:00:00Z');
    const proposed = await h.engine.dispatch(
      PIP,
      { type: 'PROPOSE_TERMINATION', documents: [doc('finalReview', 3), doc('proposalNotice', 4)] },
      { actor: hr },
    );
    expect(proposed.pip.state).toBe('terminationProposed');
    expect(proposed.pip.context.termination?.noticeEndDate).toBe('2026-05-19');
    expect(proposed.pip.context.deadlines.reply?.date).toBe('2026-05-12');
    expect(proposed.pip.context.deadlines.decision?.date).toBe('2026-06-02');
    const letter = [doc('decisionLetter', 5)];
    const early = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'DECIDE', decision: 'remove', documents: letter },
        { actor: hr2 },
      ),
    );
    expect(codes(early)).toEqual(['REPLY_WINDOW_OPEN']);
    const own = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'DECIDE', decision: 'remove', documents: letter },
        { actor: hr },
      ),
    );
    // Dispatch reports only why the actor may not act; explain lists every reason.
    expect(codes(own)).toEqual(['SEPARATION_OF_DUTIES']);
    const explained = await h.engine.explain(
      PIP,
      { type: 'DECIDE', decision: 'remove', documents: letter },
      { actor: hr },
    );
    expect(explained.issues.map((entry) => entry.code)).toEqual([
      'SEPARATION_OF_DUTIES',
      'REPLY_WINDOW_OPEN',
    ]);
    h.clock.set('2026-05-08T15:00:00Z');
    await h.engine.dispatch(
      PIP,
      { type: 'SUBMIT_REPLY', documents: [doc('employeeReply', 6)] },
      { actor: employee },
    );
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'DECIDE', decision: 'remove', documents: letter },
      { actor: hr2 },
    );
    expect(pip.state).toBe('terminated');
    // C2: 14 days' notice from 5 May ends 19 May; the removal takes effect no earlier than 20 May, 00:00 EDT.
    expect(pip.context.outcome).toMatchObject({
      status: 'terminated',
      reason: 'removed',
      effectiveAt: '2026-05-20T04:00:00.000Z',
    });
    expect(pip.context.deadlines).toEqual({});
  });

  it('closes the window on time and lets a retained employee leave the procedure', async () => {
    const h = harness();
    await toReview(h);
    h.clock.set('2026-05-05T15:00:00Z');
    await h.engine.dispatch(
      PIP,
      { type: 'PROPOSE_TERMINATION', documents: [doc('finalReview', 3), doc('proposalNotice', 4)] },
      { actor: manager },
    );
    await h.engine.tick('2026-05-13T12:00:00Z');
    h.clock.set('2026-05-13T12:00:00Z');
    const late = await expectNothingWritten(h, () =>
      h.engine.dispatch(PIP, { type: 'SUBMIT_REPLY' }, { actor: employee }),
    );
    expect(codes(late)).toEqual(['REPLY_WINDOW_CLOSED']);
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'DECIDE', decision: 'retain', documents: [doc('decisionLetter', 5)] },
      { actor: hr },
    );
    expect(pip.state).toBe('closed');
    expect(pip.context.outcome).toMatchObject({ status: 'closed', reason: 'retained' });
  });

  it('closes a plan early with a reason and refuses every command after', async () => {
    const h = harness();
    await toActive(h);
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'CLOSE', reason: 'resigned' },
      { actor: hr },
    );
    expect(pip.state).toBe('closed');
    expect(pip.context.outcome).toMatchObject({ status: 'closed', reason: 'resigned' });
    expect(await h.store.dueTimers('2030-01-01T00:00:00Z', 10)).toEqual([]);
    const error = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'RECORD_CHECK_IN', assessment: 'onTrack' },
        { actor: manager },
      ),
    );
    expect(codes(error)).toEqual(['PIP_CLOSED']);
  });
});

describe('refusals and consistency', () => {
  it('refuses a malformed command with INVALID_INPUT and the path of each problem', async () => {
    const h = harness();
    await openDraft(h);
    const error = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'EXTEND', amount: -2.5, reason: '' },
        {
          actor: manager,
        },
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((issue) => issue.path.join('.'))).toEqual(['amount', 'reason']);
    const unknown = await refusal(
      h.engine.dispatch(PIP, { type: 'FIRE_NOW' } as unknown as Command, { actor: manager }),
    );
    expect(unknown.code).toBe('INVALID_INPUT');
  });

  it('refuses a command on an unknown PIP with PIP_NOT_FOUND', async () => {
    const h = harness();
    const error = await refusal(h.engine.dispatch('nope', { type: 'RESUME' }, { actor: hr }));
    expect(error).toBeInstanceOf(PipNotFoundError);
    expect(error.code).toBe('PIP_NOT_FOUND');
  });

  it('refuses a stale expectedVersion with a retryable VERSION_CONFLICT', async () => {
    const h = harness();
    await openDraft(h);
    const error = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'ATTACH_DOCUMENT', documents: [PLAN_DOC] },
        { actor: manager, expectedVersion: 0 },
      ),
    );
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error.retryable).toBe(true);
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'ATTACH_DOCUMENT', documents: [PLAN_DOC] },
      { actor: manager, expectedVersion: 1 },
    );
    expect(pip.version).toBe(2);
  });

  it('applies an idempotency key once and refuses it for a different request', async () => {
    const h = harness();
    await openDraft(h);
    const command: Command = { type: 'ATTACH_DOCUMENT', documents: [PLAN_DOC] };
    const first = await h.engine.dispatch(PIP, command, { actor: manager, idempotencyKey: 'k1' });
    const second = await h.engine.dispatch(PIP, command, { actor: manager, idempotencyKey: 'k1' });
    expect(second).toMatchObject({ replayed: true, events: first.events });
    expect((await h.store.load(PIP))?.version).toBe(2);
    const error = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'ATTACH_DOCUMENT', documents: [doc('other', 7)] },
        { actor: manager, idempotencyKey: 'k1' },
      ),
    );
    expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('retries a command that lost a race when retries are allowed, never when pinned to a version', async () => {
    const inner = memoryStore();
    let interfere = 0;
    const racing: PipStore = {
      ...inner,
      async commit(request) {
        if (interfere > 0) {
          interfere -= 1;
          // Another engine instance writes first, at the same version.
          const rival = createEngine({
            store: inner,
            policies: [defaultPolicy],
            clock: createTestClock('2026-03-02T15:00:00Z'),
          });
          await rival.dispatch(
            PIP,
            { type: 'ATTACH_DOCUMENT', documents: [doc('rivalNote', 8)] },
            { actor: hr },
          );
        }
        return inner.commit(request);
      },
    };
    const h = harness([defaultPolicy], racing);
    await openDraft(h);
    interfere = 1;
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'ATTACH_DOCUMENT', documents: [PLAN_DOC] },
      { actor: manager, retries: 1 },
    );
    expect(pip.version).toBe(3);
    expect(pip.context.documents.map((document) => document.kind)).toEqual([
      'rivalNote',
      'planDocument',
    ]);
    interfere = 1;
    const error = await refusal(
      h.engine.dispatch(
        PIP,
        { type: 'ATTACH_DOCUMENT', documents: [doc('x', 9)] },
        { actor: manager, expectedVersion: 3, retries: 3 },
      ),
    );
    expect(error).toBeInstanceOf(VersionConflictError);
    interfere = 1;
    const noRetry = await refusal(
      h.engine.dispatch(
        PIP,
        { type: 'ATTACH_DOCUMENT', documents: [doc('y', 10)] },
        { actor: manager },
      ),
    );
    expect(noRetry).toBeInstanceOf(VersionConflictError);
  });

  it('applies code rules and reports their issues with the others', async () => {
    const noFridays = definePolicy(defaultPolicyDocument, {
      rules: [
        {
          name: 'noFridayProposals',
          check: ({ command, now }) =>
            command.type === 'PROPOSE_TERMINATION' && new Date(now).getUTCDay() === 5
              ? [
                  {
                    code: 'NO_FRIDAY_PROPOSALS',
                    path: [],
                    message: 'Proposals are not delivered on Fridays.',
                  },
                ]
              : [],
        },
      ],
    });
    const h = harness([noFridays]);
    await toActive(h);
    await h.engine.tick('2026-05-02T12:00:00Z');
    h.clock.set('2026-05-08T15:00:00Z');
    const explanation = await h.engine.explain(
      PIP,
      { type: 'PROPOSE_TERMINATION' },
      { actor: manager },
    );
    expect(explanation.accepted).toBe(false);
    expect(explanation.issues.map((issue) => issue.code)).toEqual([
      'DOCUMENT_MISSING',
      'DOCUMENT_MISSING',
      'NO_FRIDAY_PROPOSALS',
    ]);
  });

  it('explains every reason at once without writing, and what would happen when accepted', async () => {
    const h = harness();
    await openDraft(h);
    await h.engine.dispatch(
      PIP,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN_DOC] },
      { actor: manager },
    );
    const before = await h.store.readEvents(PIP);
    const refused = await h.engine.explain(PIP, { type: 'APPROVE' }, { actor: manager });
    expect(refused).toMatchObject({ accepted: false, state: 'pendingApproval', events: [] });
    expect(refused.issues.map((issue) => issue.code)).toEqual([
      'ROLE_NOT_ALLOWED',
      'SEPARATION_OF_DUTIES',
    ]);
    const accepted = await h.engine.explain(PIP, { type: 'APPROVE' }, { actor: hr });
    expect(accepted).toEqual({
      accepted: true,
      state: 'pendingApproval',
      nextState: 'opened',
      events: ['APPROVED'],
      issues: [],
    });
    expect(await h.store.readEvents(PIP)).toEqual(before);
  });
});

describe('reads and integrity', () => {
  it('lets employees and managers read only their own plans', async () => {
    const h = harness();
    await openDraft(h);
    expect((await h.engine.get(PIP, { actor: employee })).pipId).toBe(PIP);
    const other = await refusal(h.engine.get(PIP, { actor: { id: 'emp-9', role: 'employee' } }));
    expect(other).toBeInstanceOf(ForbiddenError);
    expect(await h.engine.list({}, { actor: { id: 'mgr-9', role: 'manager' } })).toEqual([]);
    expect((await h.engine.list({}, { actor: manager })).map((pip) => pip.pipId)).toEqual([PIP]);
    expect(await h.engine.history(PIP, { actor: hr })).toHaveLength(1);
  });

  it('verifies the chain and the replay of a whole lifecycle, and detects an edited event', async () => {
    const inner = memoryStore();
    let tamper = false;
    const store: PipStore = {
      ...inner,
      async readEvents(pipId, options) {
        const events = await inner.readEvents(pipId, options);
        if (!tamper) return events;
        return events.map((stored) =>
          stored.seq === 3
            ? { ...stored, event: { ...stored.event, at: '2026-01-01T00:00:00.000Z' } }
            : stored,
        );
      },
    };
    const h = harness([defaultPolicy], store);
    await toActive(h);
    await h.engine.tick('2026-05-02T12:00:00Z');
    const verification = await h.engine.verify(PIP, { actor: hr });
    expect(verification).toMatchObject({ ok: true, replayMatches: true, chain: { ok: true } });
    tamper = true;
    const tampered = await h.engine.verify(PIP, { actor: hr });
    expect(tampered.ok).toBe(false);
    expect(tampered.chain).toMatchObject({ ok: false, code: 'HASH_MISMATCH', brokenAt: 3 });
  });

  it('fires each deadline exactly once across an engine restart', async () => {
    const store = memoryStore();
    const h = harness([defaultPolicy], store);
    await toActive(h);
    const first = await h.engine.tick('2026-03-20T00:00:00Z');
    expect(first.fired.map((fired) => fired.deadlineId)).toEqual(['checkIn:1']);
    const restarted = createEngine({
      store,
      policies: [defaultPolicy],
      clock: createTestClock('2026-03-20T00:00:00Z'),
    });
    const second = await restarted.tick('2026-06-01T00:00:00Z');
    expect(second.fired.map((fired) => fired.deadlineId)).toEqual([
      'checkIn:2',
      'checkIn:3',
      'checkIn:4',
      'planEnd',
      'review',
    ]);
    expect((await restarted.tick('2026-06-01T00:00:00Z')).fired).toEqual([]);
  });
});

describe('working calendars per employee', () => {
  const england = { holidays: ['2026-04-03', '2026-04-06', '2026-05-04'] };
  const scotland = { holidays: ['2026-04-03', '2026-05-04'] };
  const ukPolicy = definePolicy({
    ...defaultPolicyDocument,
    id: 'uk-capability',
    approval: { required: false },
    plan: { ...defaultPolicyDocument.plan, startsOn: 'issue' },
    acknowledgement: { mode: 'refusalWithWitness', due: durations.businessDaysAfter(5) },
  });

  async function issueIn(calendar: string | undefined) {
    const clock = createTestClock('2026-04-02T10:00:00Z');
    const engine = createEngine({
      store: memoryStore(),
      policies: [ukPolicy],
      clock,
      ids: () => PIP,
      calendars: { 'GB-ENG': england, 'GB-SCT': scotland },
    });
    await engine.open(
      {
        employee: { id: 'emp-1', timeZone: 'Europe/London', ...(calendar ? { calendar } : {}) },
        managerId: 'mgr-1',
        policy: { id: 'uk-capability' },
        goals: [{ id: 'g1', description: 'Meet the standard', measure: 'Audit score 90%' }],
      },
      { actor: manager },
    );
    return engine.dispatch(PIP, { type: 'ISSUE', documents: [PLAN_DOC] }, { actor: manager });
  }

  it("counts working days in the employee's jurisdiction: Easter Monday in England, not in Scotland", async () => {
    // Issued Thursday 2 April 2026; five working days after it.
    expect((await issueIn('GB-ENG')).pip.context.deadlines.acknowledgement?.date).toBe(
      '2026-04-13',
    );
    expect((await issueIn('GB-SCT')).pip.context.deadlines.acknowledgement?.date).toBe(
      '2026-04-10',
    );
    // Without a calendar the policy's (no holidays) applies: 3, 6, 7, 8, 9 April.
    expect((await issueIn(undefined)).pip.context.deadlines.acknowledgement?.date).toBe(
      '2026-04-09',
    );
  });

  it('refuses to open a PIP on a calendar the engine does not know, writing nothing', async () => {
    const h = harness();
    const error = await refusal(
      h.engine.open(
        {
          employee: { id: 'emp-1', timeZone: 'Europe/London', calendar: 'GB-XXX' },
          managerId: 'mgr-1',
          policy: { id: 'pipkit-default' },
        },
        { actor: manager },
      ),
    );
    expect(error.code).toBe('INVALID_CALENDAR');
    expect(await h.store.list()).toEqual([]);
  });
});

describe('pauses with a known start and end', () => {
  it('records leave that began earlier and resumes by itself at its planned end, across a month boundary', async () => {
    const h = harness();
    await toActive(h);
    await h.engine.dispatch(
      PIP,
      { type: 'RECORD_CHECK_IN', assessment: 'onTrack', documents: [doc('checkInNotes', 2)] },
      { actor: manager },
    );
    h.clock.set('2026-03-26T14:00:00Z');
    // The leave began Wednesday 25 March (before HR recorded it) and ends Wednesday 8 April.
    const { pip } = await h.engine.dispatch(
      PIP,
      {
        type: 'PAUSE',
        category: 'parentalLeave',
        hostRef: 'leave-12',
        from: '2026-03-25T13:00:00Z',
        until: '2026-04-08T13:00:00Z',
      },
      { actor: hr },
    );
    expect(pip.context.pause?.since).toBe('2026-03-25T13:00:00.000Z');
    expect(Object.keys(pip.context.deadlines)).toEqual(['pauseEnd']);
    // Check-in 2 (31 March) falls inside the leave: nothing is missed.
    const tick = await h.engine.tick('2026-04-09T00:00:00Z');
    expect(tick.fired.map((fired) => [fired.deadlineId, fired.events])).toEqual([
      ['pauseEnd', ['RESUMED']],
    ]);
    const resumed = await h.engine.get(PIP, { actor: hr });
    expect(resumed.state).toBe('active');
    expect(resumed.context.pausedDays).toBe(14);
    // 1 May + 14 days; the grid anchor 3 March + 14 days; check-in 2 is 17 March + 14 = 31 March + 14.
    expect(resumed.context.plan).toMatchObject({ endDate: '2026-05-15', anchorDate: '2026-03-17' });
    expect(resumed.context.deadlines['checkIn:2']?.date).toBe('2026-04-14');
    expect(resumed.context.checkIns.missed).toBe(0);
  });

  it('moves a business-day plan by the business days paused, not the calendar days', async () => {
    const businessPlan = definePolicy({
      ...defaultPolicyDocument,
      plan: { ...defaultPolicyDocument.plan, duration: durations.businessDaysInclusive(30) },
      checkIns: { every: { amount: 1, unit: 'weeks' }, at: '09:00' },
      extensions: {
        ...defaultPolicyDocument.extensions,
        maxPlanLength: durations.businessDaysInclusive(60),
      },
    });
    const h = harness([businessPlan]);
    const { pip: started } = await toActive(h);
    // 30 business days from Tuesday 3 March: 3 March .. 13 April (no holidays in this calendar).
    expect(started.context.plan?.endDate).toBe('2026-04-13');
    h.clock.set('2026-03-09T14:00:00Z');
    await h.engine.dispatch(
      PIP,
      { type: 'RECORD_CHECK_IN', assessment: 'mixed', documents: [doc('checkInNotes', 3)] },
      { actor: manager },
    );
    await h.engine.dispatch(
      PIP,
      { type: 'PAUSE', category: 'medicalLeave', hostRef: 'm-1' },
      { actor: hr },
    );
    // Monday 9 to Monday 16 March: 7 calendar days, 5 business days.
    h.clock.set('2026-03-16T14:00:00Z');
    const { pip, events } = await h.engine.dispatch(PIP, { type: 'RESUME' }, { actor: hr });
    expect(events.at(-1)?.event).toMatchObject({ type: 'RESUMED', pausedDays: 5 });
    expect(pip.context.plan?.endDate).toBe('2026-04-20');
  });

  it('refuses impossible pauses and resumes with typed issues, writing nothing', async () => {
    const h = harness();
    await toActive(h);
    h.clock.set('2026-03-10T14:00:00Z');
    const backwards = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'PAUSE', category: 'medicalLeave', hostRef: 'x', until: '2026-03-09T14:00:00Z' },
        { actor: hr },
      ),
    );
    expect(codes(backwards)).toEqual(['PAUSE_ENDS_BEFORE_START']);
    const future = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'PAUSE', category: 'medicalLeave', hostRef: 'x', from: '2026-03-11T14:00:00Z' },
        { actor: hr },
      ),
    );
    expect(codes(future)).toEqual(['PAUSE_IN_FUTURE']);
    h.clock.set('2026-03-20T14:00:00Z');
    const overdue = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'PAUSE', category: 'medicalLeave', hostRef: 'x' },
        { actor: hr },
      ),
    );
    expect(codes(overdue)).toEqual(['DEADLINE_DUE_BEFORE_PAUSE']);
    await h.engine.tick('2026-03-20T14:00:00Z');
    // A leave may be dated back before the plan's first day only while no check-in has been held
    // or missed; the sweep has just recorded a missed one.
    const beforeHistory = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'PAUSE', category: 'medicalLeave', hostRef: 'x', from: '2026-03-01T14:00:00Z' },
        { actor: hr },
      ),
    );
    expect(codes(beforeHistory)).toEqual(['PAUSE_BEFORE_LAST_EVENT']);
    await h.engine.dispatch(
      PIP,
      { type: 'PAUSE', category: 'medicalLeave', hostRef: 'x' },
      { actor: hr },
    );
    const early = await expectNothingWritten(h, () =>
      h.engine.dispatch(PIP, { type: 'RESUME', at: '2026-03-19T14:00:00Z' }, { actor: hr }),
    );
    expect(codes(early)).toEqual(['RESUME_BEFORE_PAUSE']);
    const malformed = await refusal(
      h.engine.dispatch(PIP, { type: 'RESUME', at: 'next Tuesday' }, { actor: hr }),
    );
    expect(malformed.code).toBe('INVALID_INPUT');
  });
});

describe('reminders', () => {
  const reminding = definePolicy({
    ...defaultPolicyDocument,
    id: 'reminding',
    approval: { required: false },
    plan: { ...defaultPolicyDocument.plan, startsOn: 'issue' },
    checkIns: { every: { amount: 1, unit: 'weeks' }, at: '09:00' },
    reminders: [
      { before: 'checkIn', offset: { hours: 48 }, notify: ['manager'] },
      { before: 'checkIn', offset: { calendarDays: 2 }, notify: ['employee'] },
      { before: 'planEnd', offset: { calendarDays: 7 }, notify: ['hr'] },
    ],
  });

  async function issued() {
    const h = harness([reminding]);
    await openDraft(h, 'reminding');
    // Issued Monday 2 March 2026: weekly check-ins on Mondays at 09:00 New York time.
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'ISSUE', documents: [PLAN_DOC] },
      { actor: manager },
    );
    return { h, pip };
  }

  it('tells "48 hours before" from "2 calendar days before at the same local time" across DST', async () => {
    const { pip } = await issued();
    // Check-in 1: Monday 9 March 09:00 EDT (13:00Z), the day after the US change to daylight time.
    expect(pip.context.deadlines['checkIn:1']?.scheduledAt).toBe('2026-03-09T13:00:00.000Z');
    // 48 hours earlier is Saturday 08:00 EST; two calendar days earlier at 09:00 is 14:00Z.
    expect(pip.context.deadlines['reminder:checkIn:1:0']).toMatchObject({
      kind: 'reminder',
      dueAt: '2026-03-07T13:00:00.000Z',
    });
    expect(pip.context.deadlines['reminder:checkIn:1:1']).toMatchObject({
      kind: 'reminder',
      dueAt: '2026-03-07T14:00:00.000Z',
    });
    // Plan end (60 days from 2 March: 30 April, end of day EDT) minus 7 local days, same wall time.
    expect(pip.context.deadlines['reminder:planEnd:2']?.dueAt).toBe('2026-04-24T03:59:59.999Z');
  });

  it('sends each reminder once through the outbox and forgets those of a check-in already held', async () => {
    const { h } = await issued();
    const tick = await h.engine.tick('2026-03-07T13:30:00Z');
    expect(tick.fired.map((fired) => [fired.deadlineId, fired.events])).toEqual([
      ['reminder:checkIn:1:0', ['REMINDER_SENT']],
    ]);
    const sent = (await h.store.pendingOutbox(20)).filter(
      (message) => message.type === 'pip.reminder.checkIn',
    );
    expect(sent.map((message) => message.payload.notify)).toEqual([['manager']]);
    h.clock.set('2026-03-07T13:45:00Z');
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'RECORD_CHECK_IN', assessment: 'onTrack', documents: [doc('checkInNotes', 2)] },
      { actor: manager },
    );
    expect(pip.context.deadlines['reminder:checkIn:1:1']).toBeUndefined();
    expect(
      Object.keys(pip.context.deadlines).filter((id) => id.startsWith('reminder:checkIn:2')),
    ).toEqual(['reminder:checkIn:2:0', 'reminder:checkIn:2:1']);
    expect((await h.engine.tick('2026-03-08T00:00:00Z')).fired).toEqual([]);
  });
});

describe('amendments: an edit pause that keeps the clock running', () => {
  const PLAN_V2 = doc('planDocument', 21);

  it('locks the plan for editing, re-issues it, and returns to the running phase on re-acknowledgement', async () => {
    const h = harness();
    await toActive(h);
    h.clock.set('2026-03-10T14:00:00Z');
    const started = await h.engine.dispatch(PIP, { type: 'START_AMENDMENT' }, { actor: manager });
    expect(started.pip.state).toBe('amending.editing');
    // The clock keeps running: check-in 1 and the plan end stay due.
    expect(Object.keys(started.pip.context.deadlines).sort()).toEqual(['checkIn:1', 'planEnd']);
    const employeeEdit = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'ATTACH_DOCUMENT', documents: [doc('employeeNote', 30)] },
        { actor: employee },
      ),
    );
    expect(codes(employeeEdit)).toEqual(['PLAN_BEING_AMENDED']);
    await h.engine.dispatch(
      PIP,
      {
        type: 'UPDATE_PLAN',
        goals: [{ id: 'g1', description: 'Resolve tickets on time', measure: '85% within SLA' }],
      },
      { actor: manager },
    );
    const unchanged = await expectNothingWritten(h, () =>
      h.engine.dispatch(PIP, { type: 'ISSUE_AMENDMENT' }, { actor: manager }),
    );
    expect(codes(unchanged)).toEqual(['AMENDMENT_DOCUMENT_UNCHANGED']);
    const issued = await h.engine.dispatch(
      PIP,
      { type: 'ISSUE_AMENDMENT', documents: [PLAN_V2] },
      { actor: manager },
    );
    expect(issued.pip.state).toBe('amending.awaitingAcknowledgement');
    // Re-acknowledgement due five business days after Tuesday 10 March.
    expect(issued.pip.context.deadlines.acknowledgement?.date).toBe('2026-03-17');
    const stale = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'ACKNOWLEDGE', documentSha256: PLAN_DOC.sha256 },
        { actor: employee },
      ),
    );
    expect(codes(stale)).toEqual(['DOCUMENT_NOT_CURRENT']);
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'ACKNOWLEDGE', documentSha256: PLAN_V2.sha256 },
      { actor: employee },
    );
    expect(pip.state).toBe('active');
    expect(pip.context.amendment).toBeUndefined();
    expect(pip.context.acknowledgement?.documentSha256).toBe(PLAN_V2.sha256);
    // A re-acknowledgement never restarts the period.
    expect(pip.context.plan).toMatchObject({ startDate: '2026-03-03', endDate: '2026-05-01' });
  });

  it('reports a check-in missed during an amendment, and returns to extended when cancelled', async () => {
    const h = harness();
    await toActive(h);
    await h.engine.dispatch(
      PIP,
      { type: 'EXTEND', amount: 10, reason: 'leave' },
      { actor: manager },
    );
    await h.engine.dispatch(PIP, { type: 'START_AMENDMENT' }, { actor: hr });
    h.clock.set('2026-03-18T12:00:00Z');
    const tick = await h.engine.tick();
    expect(tick.fired.map((fired) => fired.events[0])).toEqual(['CHECK_IN_MISSED']);
    const { pip } = await h.engine.dispatch(PIP, { type: 'CANCEL_AMENDMENT' }, { actor: hr });
    expect(pip.state).toBe('extended');
  });
});

describe('investigation holds', () => {
  const stopping = definePolicy({
    ...defaultPolicyDocument,
    investigation: { stopsClock: true, due: durations.businessDaysAfter(10) },
    escalations: [
      ...defaultPolicyDocument.escalations,
      { trigger: 'investigationOverdue', notify: ['hr', 'legal'] },
    ],
  });

  it('keeps the clock running by default: check-ins are still due during the hold', async () => {
    const h = harness();
    await toActive(h);
    h.clock.set('2026-03-10T14:00:00Z');
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'START_INVESTIGATION', hostRef: 'er-case-9' },
      { actor: hr },
    );
    expect(pip.state).toBe('active');
    expect(pip.context.investigation).toMatchObject({ hostRef: 'er-case-9', stoppedClock: false });
    expect(Object.keys(pip.context.deadlines).sort()).toEqual(['checkIn:1', 'planEnd']);
    const again = await expectNothingWritten(h, () =>
      h.engine.dispatch(PIP, { type: 'START_INVESTIGATION', hostRef: 'er-case-10' }, { actor: hr }),
    );
    expect(codes(again)).toEqual(['INVESTIGATION_ALREADY_OPEN']);
  });

  it('stops the clock when the policy says so, escalates a long hold, and moves the plan by the held span', async () => {
    const h = harness([stopping]);
    await toActive(h);
    h.clock.set('2026-03-10T14:00:00Z');
    const held = await h.engine.dispatch(
      PIP,
      { type: 'START_INVESTIGATION', hostRef: 'er-case-9' },
      { actor: hr },
    );
    expect(held.pip.context.investigation?.stoppedClock).toBe(true);
    // Due ten business days after Tuesday 10 March: Tuesday 24 March.
    expect(held.pip.context.deadlines).toEqual({
      investigation: expect.objectContaining({
        kind: 'investigation',
        date: '2026-03-24',
      }) as unknown,
    });
    const blocked = await expectNothingWritten(h, () =>
      h.engine.dispatch(
        PIP,
        { type: 'RECORD_CHECK_IN', assessment: 'onTrack', documents: [doc('checkInNotes', 2)] },
        { actor: manager },
      ),
    );
    expect(codes(blocked)).toEqual(['CLOCK_STOPPED_FOR_INVESTIGATION']);
    const tick = await h.engine.tick('2026-03-26T12:00:00Z');
    expect(tick.fired.map((fired) => fired.events)).toEqual([
      ['INVESTIGATION_OVERDUE', 'ESCALATED'],
    ]);
    h.clock.set('2026-03-27T14:00:00Z');
    const misconductTooEarly = await expectNothingWritten(h, () =>
      h.engine.dispatch(PIP, { type: 'CLOSE', reason: 'misconduct' }, { actor: hr }),
    );
    expect(codes(misconductTooEarly)).toEqual(['INVESTIGATION_REQUIRED']);
    const closed = await h.engine.dispatch(
      PIP,
      { type: 'CLOSE_INVESTIGATION', finding: 'misconduct' },
      { actor: hr },
    );
    // Held 10 March to 27 March: 17 days; the plan end moves from 1 May to 18 May.
    expect(closed.events.at(-1)?.event).toMatchObject({
      type: 'INVESTIGATION_CLOSED',
      heldDays: 17,
    });
    expect(closed.pip.context.plan?.endDate).toBe('2026-05-18');
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'CLOSE', reason: 'misconduct' },
      { actor: hr },
    );
    expect(pip.context.outcome).toMatchObject({ status: 'closed', reason: 'misconduct' });
  });
});

describe('several engine instances on one store', () => {
  it('splits a sweep between two engines with timer leases, firing each deadline exactly once', async () => {
    const store = memoryStore();
    const clock = createTestClock('2026-03-02T15:00:00Z');
    let next = 0;
    const first = createEngine({
      store,
      policies: [defaultPolicy],
      clock,
      ids: () => `pip-${next++}`,
    });
    const second = createEngine({ store, policies: [defaultPolicy], clock });
    for (let index = 0; index < 12; index += 1) {
      await first.open(
        {
          employee: { id: `emp-${index}`, timeZone: 'UTC' },
          managerId: 'mgr-1',
          policy: { id: 'pipkit-default' },
          goals: [{ id: 'g', description: 'Goal', measure: 'Measure' }],
        },
        { actor: manager },
      );
      await first.dispatch(
        `pip-${index}`,
        { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN_DOC] },
        { actor: manager },
      );
      await first.dispatch(`pip-${index}`, { type: 'APPROVE' }, { actor: hr });
    }
    const [a, b] = await Promise.all([
      first.tick('2026-03-20T00:00:00Z', { limit: 4 }),
      second.tick('2026-03-20T00:00:00Z', { limit: 4 }),
    ]);
    const fired = [...a.fired, ...b.fired].map((entry) => entry.timerId).sort();
    expect(fired).toEqual(
      Array.from({ length: 12 }, (_, index) => `pip-${index}/acknowledgement`).sort(),
    );
    expect(a.fired.length).toBeGreaterThan(0);
    expect(b.fired.length).toBeGreaterThan(0);
    for (let index = 0; index < 12; index += 1) {
      const events = await store.readEvents(`pip-${index}`);
      expect(
        events.filter((stored) => stored.event.type === 'ACKNOWLEDGEMENT_OVERDUE'),
      ).toHaveLength(1);
    }
  });
});

describe('the outbox relay', () => {
  it('delivers each notification at least once, in order per PIP, and redelivers after a crash before the mark', async () => {
    const inner = memoryStore();
    let crashOnMark = true;
    const store: PipStore = {
      ...inner,
      async markOutboxDelivered(ids) {
        if (crashOnMark) {
          crashOnMark = false;
          throw new Error('process died after delivering, before marking');
        }
        return inner.markOutboxDelivered(ids);
      },
    };
    const h = harness([defaultPolicy], store);
    await openDraft(h);
    await h.engine.dispatch(
      PIP,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN_DOC] },
      { actor: manager },
    );
    await h.engine.dispatch(PIP, { type: 'APPROVE' }, { actor: hr });
    const seen: string[] = [];
    await expect(h.engine.relay((message) => void seen.push(message.id))).rejects.toThrow(
      /before marking/,
    );
    const failing = await h.engine.relay((message) => {
      seen.push(message.id);
      if (message.type === 'pip.issued') throw new Error('mail server down');
    });
    expect(failing.delivered).toEqual([`${PIP}:3:0`]);
    expect(failing.failed.map((entry) => entry.id)).toEqual([`${PIP}:4:0`]);
    // The failed attempt waits out its backoff (at most 30 s for the first) before the next.
    h.clock.advance(30_000);
    const retried = await h.engine.relay((message) => void seen.push(message.id));
    expect(retried).toEqual({ delivered: [`${PIP}:4:0`], failed: [], deadLettered: [] });
    expect(await h.engine.relay(() => undefined)).toEqual({
      delivered: [],
      failed: [],
      deadLettered: [],
    });
    // The approval request was handed over twice (the crash), with the same id both times.
    expect(seen).toEqual([`${PIP}:3:0`, `${PIP}:3:0`, `${PIP}:4:0`, `${PIP}:4:0`]);
  });
});

describe('outcome dates: appeal window and retention', () => {
  const federalLike = definePolicy({
    ...defaultPolicyDocument,
    calendar: { holidays: ['2026-05-25', '2026-06-19', '2026-07-03'] },
    appealWindow: durations.daysAfterRolling(30),
    retention: durations.monthsAfter(60),
  });

  it('rolls an appeal window that ends on Juneteenth to Monday, and records how long to keep the file', async () => {
    const h = harness([federalLike]);
    await toActive(h);
    await h.engine.tick('2026-05-02T12:00:00Z');
    h.clock.set('2026-05-05T15:00:00Z');
    await h.engine.dispatch(
      PIP,
      { type: 'PROPOSE_TERMINATION', documents: [doc('finalReview', 3), doc('proposalNotice', 4)] },
      { actor: manager },
    );
    await h.engine.tick('2026-05-13T12:00:00Z');
    h.clock.set('2026-05-13T15:00:00Z');
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'DECIDE', decision: 'remove', documents: [doc('decisionLetter', 5)] },
      { actor: hr },
    );
    // Effective 20 May (the day after the 14-day notice); 30 days after is Friday 19 June, a
    // federal holiday, so the appeal deadline rolls past the weekend to Monday 22 June (C3).
    expect(pip.context.outcome).toMatchObject({
      status: 'terminated',
      effectiveAt: '2026-05-20T04:00:00.000Z',
      appealUntil: { date: '2026-06-22', dueAt: '2026-06-23T03:59:59.999Z' },
      retainUntil: '2031-05-13',
    });
  });

  it('gives a retained employee no appeal window but still a retention date', async () => {
    const h = harness([federalLike]);
    await toActive(h);
    h.clock.set('2026-03-20T15:00:00Z');
    const { pip } = await h.engine.dispatch(
      PIP,
      { type: 'CLOSE', reason: 'transferred' },
      { actor: hr },
    );
    expect(pip.context.outcome?.appealUntil).toBeUndefined();
    expect(pip.context.outcome?.retainUntil).toBe('2031-03-20');
  });
});
