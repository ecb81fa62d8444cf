import { describe, expect, it } from 'vitest';
import { durations } from '../calendar/duration.js';
import { definePolicy } from '../policy/definePolicy.js';
import { presets } from '../presets.js';
import {
  codes,
  doc,
  employee,
  manager,
  presetHarness,
  refusal,
  senior,
} from '../policy/presets/__fixtures__/presetHarness.js';
import type { Policy } from '../policy/definePolicy.js';
import type { CitedInstance, CommandOf } from '../model/commands.js';

const NY = 'America/New_York';
const propose = (instances: CitedInstance[]): CommandOf<'PROPOSE_TERMINATION'> => ({
  type: 'PROPOSE_TERMINATION',
  documents: [doc('proposalNotice')],
  instances,
});
const decide = (extra: Partial<CommandOf<'DECIDE'>>): CommandOf<'DECIDE'> => ({
  type: 'DECIDE',
  decision: 'remove',
  documents: [doc('decisionLetter'), doc('higherLevelConcurrence')],
  ...extra,
});

/**
 * A federal PIP issued Monday 2 March 2026 (New York) whose 30-day period ended 31 March; review
 * pending. The notice of proposed action is sent Wednesday 8 April 2026.
 */
async function inReview(policy: Policy = presets.usFederal432) {
  const h = presetHarness([policy], { start: '2026-03-02T15:00:00Z', timeZone: NY });
  const { pipId } = await h.open();
  await h.send(
    pipId,
    { type: 'ISSUE', documents: [doc('planDocument'), doc('priorUnacceptablePerformance')] },
    manager,
  );
  h.at('2026-04-01T04:00:00Z');
  await h.tick();
  h.at('2026-04-08T14:00:00Z');
  return { h, pipId };
}

describe('cited instances: the look-back window ending on the day of the notice', () => {
  it('takes instances from 9 April 2025 to 8 April 2026 for a notice of 8 April 2026 (12 months)', async () => {
    const { h, pipId } = await inReview();
    const refused = await refusal(
      h.engine.dispatch(
        pipId,
        propose([
          { id: 'i-1', on: '2026-03-20', element: 'Timeliness' },
          { id: 'i-2', on: '2025-04-08' },
          { id: 'i-3', on: '2025-04-09' },
          { id: 'i-4', on: '2026-04-09' },
          { id: 'i-1', on: '2026-03-21' },
        ]),
        { actor: manager },
      ),
    );
    expect(refused.issues.map((i) => [i.code, i.path])).toEqual([
      ['INSTANCE_DATE_OUT_OF_RANGE', ['instances', 1, 'on']],
      ['INSTANCE_DATE_OUT_OF_RANGE', ['instances', 3, 'on']],
      ['DUPLICATE_INSTANCE', ['instances', 4, 'id']],
    ]);
    expect(refused.issues[0]?.message).toContain('from 2025-04-09 to 2026-04-08');
    // Nothing was written on the refusal.
    expect((await h.load(pipId)).context.termination).toBeUndefined();

    await h.send(
      pipId,
      propose([
        { id: 'i-1', on: '2026-03-20', element: 'Timeliness' },
        { id: 'i-3', on: '2025-04-09' },
      ]),
      manager,
    );
    expect((await h.load(pipId)).context.termination?.instances).toEqual([
      { id: 'i-1', on: '2026-03-20', element: 'Timeliness' },
      { id: 'i-3', on: '2025-04-09' },
    ]);
  });

  it('requires the federal notice to cite at least one instance', async () => {
    const { h, pipId } = await inReview();
    const refused = await refusal(h.engine.dispatch(pipId, propose([]), { actor: manager }));
    expect(codes(refused)).toEqual(['INSTANCES_REQUIRED']);
    expect(refused.issues[0]?.path).toEqual(['instances']);
  });

  it('counts a month look-back from a month end: notice 28 February 2027 reaches back to 1 March 2026', async () => {
    const policy = definePolicy({
      ...presets.usFederal432.document,
      id: 'federal-variant',
      termination: {
        ...presets.usFederal432.document.termination,
        citedInstances: { required: false, lookBack: { amount: 12, unit: 'months' } },
      },
    });
    const { h, pipId } = await inReview(policy);
    h.at('2027-02-28T17:00:00Z');
    const refused = await refusal(
      h.engine.dispatch(pipId, propose([{ id: 'a', on: '2026-02-28' }]), { actor: manager }),
    );
    expect(refused.issues[0]?.message).toContain('from 2026-03-01 to 2027-02-28');
    await h.send(pipId, propose([{ id: 'a', on: '2026-03-01' }]), manager);
  });
});

describe('the decision: effective date and the instances relied on', () => {
  async function proposed() {
    const ctx = await inReview();
    await ctx.h.send(ctx.pipId, propose([{ id: 'i-1', on: '2026-03-20' }]), manager);
    // The 30-day notice ends Friday 8 May; the reply window too. Decide Wednesday 20 May.
    ctx.h.at('2026-05-20T14:00:00Z');
    expect(await ctx.h.tick()).toEqual(['reply:REPLY_WINDOW_CLOSED']);
    return ctx;
  }

  it('refuses an effective date before the decision day, naming the allowed range', async () => {
    const { h, pipId } = await proposed();
    const early = await refusal(
      h.engine.dispatch(pipId, decide({ effectiveDate: '2026-05-19', instancesRelied: ['i-1'] }), {
        actor: senior,
      }),
    );
    expect(codes(early)).toEqual(['EFFECTIVE_DATE_TOO_EARLY']);
    expect(early.issues[0]?.path).toEqual(['effectiveDate']);
    expect(early.issues[0]?.message).toContain('allowed from 2026-05-20 to 2036-05-27');
    const late = await refusal(
      h.engine.dispatch(pipId, decide({ effectiveDate: '2036-05-28', instancesRelied: ['i-1'] }), {
        actor: senior,
      }),
    );
    expect(codes(late)).toEqual(['EFFECTIVE_DATE_TOO_LATE']);
  });

  it('takes effect on Friday 29 May, and the MSPB window runs 30 days from it to Sunday 28 June, rolled to Monday 29 June', async () => {
    const { h, pipId } = await proposed();
    await h.send(pipId, decide({ effectiveDate: '2026-05-29', instancesRelied: ['i-1'] }), senior);
    const outcome = (await h.load(pipId)).context.outcome;
    expect(outcome).toMatchObject({
      status: 'terminated',
      effectiveAt: '2026-05-29T04:00:00.000Z',
      instancesRelied: ['i-1'],
      appealUntil: { date: '2026-06-29', dueAt: '2026-06-30T03:59:59.999Z' },
    });
  });

  it('runs the MSPB window from a later receipt: decided Wednesday 20 May, received by mail Monday 1 June, open through Wednesday 1 July', async () => {
    const { h, pipId } = await proposed();
    await h.send(pipId, decide({ receivedOn: '2026-06-01', instancesRelied: ['i-1'] }), senior);
    // 5 CFR 1201.22(b)(1): 30 days after the later of the effective date (20 May) and receipt.
    expect((await h.load(pipId)).context.outcome).toMatchObject({
      effectiveAt: '2026-05-20T14:00:00.000Z',
      receivedOn: '2026-06-01',
      appealUntil: { date: '2026-07-01', dueAt: '2026-07-02T03:59:59.999Z' },
    });
  });

  it('keeps the effective date when it is the later: effective Friday 29 May, received Wednesday 27 May', async () => {
    const { h, pipId } = await proposed();
    await h.send(
      pipId,
      decide({ effectiveDate: '2026-05-29', receivedOn: '2026-05-27', instancesRelied: ['i-1'] }),
      senior,
    );
    expect((await h.load(pipId)).context.outcome).toMatchObject({
      appealUntil: { date: '2026-06-29', dueAt: '2026-06-30T03:59:59.999Z' },
    });
  });

  it('refuses a receipt before the decision day or more than 30 days after it, naming the range', async () => {
    const { h, pipId } = await proposed();
    for (const receivedOn of ['2026-05-19', '2026-06-20']) {
      const refused = await refusal(
        h.engine.dispatch(pipId, decide({ receivedOn, instancesRelied: ['i-1'] }), {
          actor: senior,
        }),
      );
      expect(codes(refused)).toEqual(['RECEIPT_DATE_OUT_OF_RANGE']);
      expect(refused.issues[0]?.path).toEqual(['receivedOn']);
      expect(refused.issues[0]?.message).toContain('allowed from 2026-05-20 to 2026-06-19');
    }
  });

  it('requires a removal to name cited instances, and only cited ones', async () => {
    const { h, pipId } = await proposed();
    const none = await refusal(h.engine.dispatch(pipId, decide({}), { actor: senior }));
    expect(codes(none)).toEqual(['INSTANCES_RELIED_REQUIRED']);
    const unknown = await refusal(
      h.engine.dispatch(pipId, decide({ instancesRelied: ['i-1', 'i-9'] }), { actor: senior }),
    );
    expect(codes(unknown)).toEqual(['UNKNOWN_INSTANCE']);
    expect(unknown.issues[0]?.path).toEqual(['instancesRelied', 1]);
    // Retaining the employee relies on nothing.
    await h.send(pipId, decide({ decision: 'retain' }), senior);
    expect((await h.load(pipId)).context.outcome?.reason).toBe('retained');
  });

  it('keeps a removal decided during the notice from taking effect before the day after it', async () => {
    const { h, pipId } = await inReview();
    await h.send(pipId, propose([{ id: 'i-1', on: '2026-03-20' }]), manager);
    h.at('2026-05-01T14:00:00Z');
    await h.send(pipId, { type: 'SUBMIT_REPLY' }, employee);
    const early = await refusal(
      h.engine.dispatch(pipId, decide({ effectiveDate: '2026-05-08', instancesRelied: ['i-1'] }), {
        actor: senior,
      }),
    );
    expect(early.issues[0]?.message).toContain('allowed from 2026-05-09');
    await h.send(pipId, decide({ instancesRelied: ['i-1'] }), senior);
    expect((await h.load(pipId)).context.outcome?.effectiveAt).toBe('2026-05-09T04:00:00.000Z');
  });

  it('bounds the effective date by the policy’s effectiveWithin', async () => {
    const policy = definePolicy({
      ...presets.usFederal432.document,
      id: 'federal-within',
      termination: {
        ...presets.usFederal432.document.termination,
        effectiveWithin: durations.daysAfter(14),
      },
    });
    const { h, pipId } = await inReview(policy);
    await h.send(pipId, propose([{ id: 'i-1', on: '2026-03-20' }]), manager);
    h.at('2026-05-20T14:00:00Z');
    await h.tick();
    const late = await refusal(
      h.engine.dispatch(pipId, decide({ effectiveDate: '2026-06-04', instancesRelied: ['i-1'] }), {
        actor: senior,
      }),
    );
    expect(late.issues[0]?.message).toContain('allowed from 2026-05-20 to 2026-06-03');
    await h.send(pipId, decide({ effectiveDate: '2026-06-03', instancesRelied: ['i-1'] }), senior);
  });
});

describe('evidence dates on documents', () => {
  it('refuses evidence dated after the day it is attached, in the employee’s zone', async () => {
    const { h, pipId } = await inReview();
    // 02:00Z on 9 April is still Wednesday 8 April, 22:00, in New York.
    h.at('2026-04-09T02:00:00Z');
    const evidence = { ...doc('checkInNotes'), evidenceDate: '2026-04-09' };
    const refused = await refusal(
      h.engine.dispatch(
        pipId,
        { type: 'ATTACH_DOCUMENT', documents: [doc('memo'), evidence] },
        { actor: manager },
      ),
    );
    expect(codes(refused)).toEqual(['EVIDENCE_DATE_IN_FUTURE']);
    expect(refused.issues[0]?.path).toEqual(['documents', 1, 'evidenceDate']);
    await h.send(
      pipId,
      { type: 'ATTACH_DOCUMENT', documents: [{ ...evidence, evidenceDate: '2026-04-08' }] },
      manager,
    );
    const attached = (await h.load(pipId)).context.documents.at(-1);
    expect(attached).toMatchObject({ kind: 'checkInNotes', evidenceDate: '2026-04-08' });
  });

  it('checks documents given at open too, and refuses a date that does not exist', async () => {
    const h = presetHarness([presets.usFederal432], {
      start: '2026-03-02T15:00:00Z',
      timeZone: NY,
    });
    const future = await refusal(
      h.open({ documents: [{ ...doc('planDocument'), evidenceDate: '2026-03-03' }] }),
    );
    expect(codes(future)).toEqual(['EVIDENCE_DATE_IN_FUTURE']);
    const impossible = await refusal(
      h.open({ documents: [{ ...doc('planDocument'), evidenceDate: '2026-02-30' }] }),
    );
    expect(impossible.code).toBe('INVALID_INPUT');
  });
});
