/**
 * Procedures without a plan (policy `procedures`), through the engine with exact dates, in
 * Europe/London with the spring bank holiday on Monday 25 May 2026 (British Summer Time, UTC+1).
 */
import { describe, expect, it } from 'vitest';
import {
  type Command,
  createEngine,
  defaultPolicyDocument,
  definePolicy,
  isPipkitError,
  memoryStore,
  type PipkitError,
} from '../index.js';
import { createTestClock } from '../testing/testClock.js';

const manager = { id: 'mgr-1', role: 'manager' } as const;
const hr = { id: 'hr-1', role: 'hr' } as const;
const notice = { kind: 'proposalNotice', ref: 'dms://notice', sha256: 'c'.repeat(64) };

const policy = definePolicy({
  ...defaultPolicyDocument,
  id: 'conduct-and-absence',
  calendar: { weekend: [6, 7], holidays: ['2026-05-25'] },
  procedures: { misconduct: {}, jobAbandonment: { afterWorkingDays: 5 } },
  requiredDocuments: { PROPOSE_TERMINATION: ['proposalNotice'] },
});
const planOnly = definePolicy({ ...defaultPolicyDocument, id: 'plans-only' });

function setup(procedure?: 'misconduct' | 'jobAbandonment', policyId = policy.id) {
  const clock = createTestClock('2026-05-21T09:00:00Z');
  const engine = createEngine({ store: memoryStore(), policies: [policy, planOnly], clock });
  const opened = engine.open(
    {
      pipId: 'r',
      employee: { id: 'emp-1', timeZone: 'Europe/London' },
      managerId: manager.id,
      policy: { id: policyId },
      ...(procedure ? { procedure } : {}),
    },
    { actor: manager },
  );
  return { engine, clock, opened };
}

async function refusal(promise: Promise<unknown>): Promise<PipkitError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isPipkitError(error)) throw new Error('expected a typed refusal');
  return error;
}
const codes = (error: PipkitError) => error.issues.map((entry) => entry.code);

describe('job abandonment without a plan', () => {
  it('gives notice only after 5 consecutive working days of absence, the bank holiday not counted', async () => {
    const { engine, clock, opened } = setup('jobAbandonment');
    expect((await opened).pip.context.procedure).toBe('jobAbandonment');
    const propose: Command = {
      type: 'PROPOSE_TERMINATION',
      absentSince: '2026-05-21',
      documents: [notice],
    };
    // Absent from Thursday 21 May: 21, 22, (25 May is a holiday) 26, 27, 28 are the five working
    // days, so the notice may be given from Friday 29 May.
    clock.set('2026-05-28T13:00:00Z');
    const explained = await engine.explain('r', propose, { actor: manager });
    expect(explained.accepted).toBe(false);
    const early = await refusal(engine.dispatch('r', propose, { actor: manager }));
    expect(early.issues).toEqual([
      {
        code: 'ABSENCE_TOO_SHORT',
        path: ['absentSince'],
        message:
          'Job abandonment needs 5 consecutive working days of absence from 2026-05-21: the notice may be given from 2026-05-29.',
      },
    ]);
    expect(explained.issues.map((entry) => entry.code)).toEqual(['ABSENCE_TOO_SHORT']);
    expect((await engine.get('r', { actor: hr })).version).toBe(1);

    clock.set('2026-05-29T09:00:00Z');
    const { pip, events } = await engine.dispatch('r', propose, { actor: manager });
    expect(pip.state).toBe('terminationProposed');
    expect(events.map((stored) => stored.event.type)).toEqual([
      'DOCUMENTS_ATTACHED',
      'TERMINATION_PROPOSED',
    ]);
    // 14 days' notice from Fri 29 May ends Fri 12 June; the reply is due 7 days after, Fri
    // 5 June (end of day BST); the decision 10 business days after the notice, Fri 26 June.
    expect(events[1]?.event).toMatchObject({
      noticeEndDate: '2026-06-12',
      absentSince: '2026-05-21',
    });
    expect(pip.context.deadlines.reply).toMatchObject({
      date: '2026-06-05',
      dueAt: '2026-06-05T22:59:59.999Z',
    });
    expect(pip.context.deadlines.decision).toMatchObject({ date: '2026-06-26' });
    clock.set('2026-06-15T09:00:00Z');
    await engine.tick();
    const decided = await engine.dispatch(
      'r',
      { type: 'DECIDE', decision: 'remove', documents: [{ ...notice, kind: 'decisionLetter' }] },
      { actor: hr },
    );
    expect(decided.pip.state).toBe('terminated');
    expect((await engine.verify('r', { actor: hr })).ok).toBe(true);
  });

  it('needs the first day of the absence, not after today', async () => {
    const { engine, clock, opened } = setup('jobAbandonment');
    await opened;
    clock.set('2026-06-01T09:00:00Z');
    const missing = await refusal(
      engine.dispatch(
        'r',
        { type: 'PROPOSE_TERMINATION', documents: [notice] },
        { actor: manager },
      ),
    );
    expect(codes(missing)).toEqual(['ABSENCE_DATE_REQUIRED']);
    const future = await refusal(
      engine.dispatch(
        'r',
        { type: 'PROPOSE_TERMINATION', absentSince: '2026-06-02', documents: [notice] },
        { actor: manager },
      ),
    );
    expect(codes(future)).toEqual(['ABSENCE_IN_FUTURE']);
  });

  it('gives no plan to a record opened for a procedure without one', async () => {
    const { engine, opened } = setup('jobAbandonment');
    await opened;
    const issued = await refusal(engine.dispatch('r', { type: 'ISSUE' }, { actor: manager }));
    expect(codes(issued)).toContain('PROCEDURE_HAS_NO_PLAN');
  });
});

describe('misconduct without a plan', () => {
  it('gives notice only after a closed investigation that found misconduct', async () => {
    const { engine, clock, opened } = setup('misconduct');
    await opened;
    const propose: Command = { type: 'PROPOSE_TERMINATION', documents: [notice] };
    expect(codes(await refusal(engine.dispatch('r', propose, { actor: manager })))).toEqual([
      'INVESTIGATION_REQUIRED',
    ]);
    await engine.dispatch('r', { type: 'START_INVESTIGATION', hostRef: 'inv-9' }, { actor: hr });
    expect(codes(await refusal(engine.dispatch('r', propose, { actor: manager })))).toEqual([
      'INVESTIGATION_OPEN',
    ]);
    clock.set('2026-05-28T09:00:00Z');
    await engine.dispatch(
      'r',
      { type: 'CLOSE_INVESTIGATION', finding: 'misconduct' },
      { actor: hr },
    );
    const { pip } = await engine.dispatch('r', propose, { actor: manager });
    expect(pip.state).toBe('terminationProposed');
    expect(pip.context.termination?.noticeEndDate).toBe('2026-06-11');
  });
});

describe('procedures a policy does not allow', () => {
  it('refuses to open one, naming those it allows', async () => {
    const { opened } = setup('misconduct', planOnly.id);
    const error = await refusal(opened);
    expect(error.issues).toEqual([
      {
        code: 'PROCEDURE_NOT_ALLOWED',
        path: ['procedure'],
        message: 'Policy plans-only@1 allows no procedure without a plan, not misconduct.',
      },
    ]);
  });

  it('keeps a plan record from going to notice before its plan', async () => {
    const { engine, opened } = setup();
    await opened;
    const error = await refusal(
      engine.dispatch(
        'r',
        { type: 'PROPOSE_TERMINATION', documents: [notice] },
        { actor: manager },
      ),
    );
    expect(codes(error)).toEqual(['NOT_ALLOWED_IN_STATE']);
  });
});
