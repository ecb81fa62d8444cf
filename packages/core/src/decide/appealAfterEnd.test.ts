/**
 * An appeal lodged after the plan has ended, against its outcome (a dismissal), through the
 * engine: it gets its decision deadline and its required documents from the policy, as an appeal
 * against a stage does. UK capability preset (London, England and Wales bank holidays) with
 * `appeals.decideWithin` of 5 working days, an `appealOverdue` escalation to HR, and an appeal
 * letter required to appeal and an outcome letter to decide.
 */
import { describe, expect, it } from 'vitest';
import { durations } from '../calendar/duration.js';
import type { Command } from '../index.js';
import { definePolicy } from '../policy/definePolicy.js';
import { ukAcasCapabilityDocument } from '../policy/presets/ukAcasCapability.js';
import {
  codes,
  doc,
  employee,
  hr,
  manager,
  presetHarness,
  refusal,
  senior,
} from '../policy/presets/__fixtures__/presetHarness.js';

const policy = definePolicy({
  ...ukAcasCapabilityDocument,
  id: 'uk-acas-appeal-after-end',
  appeals: { ...ukAcasCapabilityDocument.appeals, decideWithin: durations.businessDaysAfter(5) },
  escalations: [
    ...ukAcasCapabilityDocument.escalations,
    { trigger: 'appealOverdue', notify: ['hr'] },
  ],
  requiredDocuments: {
    ...ukAcasCapabilityDocument.requiredDocuments,
    APPEAL: ['appealLetter'],
    RECORD_APPEAL_OUTCOME: ['appealOutcomeLetter'],
  },
});

/** A plan issued Thu 28 May 2026 and ended by dismissal on Thu 10 Dec 2026 (appeal by Thu 17 Dec). */
async function dismissed() {
  const h = presetHarness([policy], { start: '2026-05-28T09:00:00Z', timeZone: 'Europe/London' });
  const { pipId } = await h.open();
  await h.send(pipId, { type: 'ISSUE', documents: [doc('planDocument')] }, manager);
  h.at('2026-05-29T09:00:00Z');
  const plan = doc('planDocument').sha256;
  await h.send(pipId, { type: 'ACKNOWLEDGE', documentSha256: plan }, employee);
  h.at('2026-08-28T09:00:00Z');
  await h.tick();
  const invitation = {
    type: 'PROPOSE_TERMINATION' as const,
    documents: [doc('hearingInvitation')],
  };
  await h.send(pipId, invitation, manager);
  h.at('2026-09-10T09:00:00Z');
  await h.tick();
  const finalWarning = { type: 'ISSUE_STAGE' as const, stage: 'finalWarning' };
  await h.send(pipId, { ...finalWarning, skipReason: 'seriousImpact' }, manager);
  h.at('2026-12-10T10:00:00Z');
  const dismiss = { type: 'DECIDE' as const, decision: 'remove' as const };
  await h.send(pipId, { ...dismiss, documents: [doc('decisionLetter')] }, senior);
  return { h, pipId };
}

describe('an appeal lodged after the plan has ended (against the dismissal)', () => {
  it('needs the documents the policy requires, sets its decision deadline, fires it and escalates it, then takes the outcome with its letter', async () => {
    const { h, pipId } = await dismissed();
    expect((await h.load(pipId)).state).toBe('terminated');
    h.at('2026-12-17T10:00:00Z');
    const appeal: Command = { type: 'APPEAL', against: 'dismissal' };
    const bare = await refusal(h.engine.dispatch(pipId, appeal, { actor: employee }));
    expect(bare.issues).toEqual([
      {
        code: 'DOCUMENT_MISSING',
        path: ['documents', 'appealLetter'],
        message: 'APPEAL needs a "appealLetter" document; attach it or send it with the command.',
      },
    ]);
    await h.send(pipId, { ...appeal, documents: [doc('appealLetter')] }, employee);
    const lodged = await h.load(pipId);
    expect(lodged.state).toBe('terminated');
    expect(lodged.context.documents.map((document) => document.kind)).toContain('appealLetter');
    // 5 working days after Thu 17 Dec 2026: Fri 18, Mon 21 to Thu 24 Dec (before Christmas).
    expect(lodged.context.deadlines.appealDecision).toMatchObject({
      kind: 'appealDecision',
      date: '2026-12-24',
    });
    // Not decided by the end of Thu 24 Dec: overdue, and HR is told, on the ended record.
    h.at('2026-12-25T00:00:00Z');
    expect(await h.tick()).toEqual(['appealDecision:APPEAL_OVERDUE+ESCALATED']);
    const overdue = await h.load(pipId);
    expect(overdue.state).toBe('terminated');
    expect(overdue.context.deadlines.appealDecision).toBeUndefined();
    expect(overdue.context.escalations).toBe(1);
    h.at('2026-12-29T10:00:00Z');
    const upheld: Command = { type: 'RECORD_APPEAL_OUTCOME', outcome: 'upheld' };
    expect(codes(await refusal(h.engine.dispatch(pipId, upheld, { actor: hr })))).toEqual([
      'DOCUMENT_MISSING',
    ]);
    const withLetter = { ...upheld, documents: [doc('appealOutcomeLetter')] };
    expect(await h.engine.explain(pipId, withLetter, { actor: hr })).toMatchObject({
      accepted: true,
      events: ['DOCUMENTS_ATTACHED', 'APPEAL_DECIDED'],
    });
    await h.send(pipId, withLetter, hr);
    const decided = await h.load(pipId);
    expect(decided.state).toBe('terminated');
    expect(decided.context.appeals?.[0]).toMatchObject({ against: 'dismissal', status: 'upheld' });
    expect(await h.engine.verify(pipId, { actor: hr })).toMatchObject({ ok: true });
  });

  it('an appeal decided in time clears its decision deadline', async () => {
    const { h, pipId } = await dismissed();
    h.at('2026-12-14T10:00:00Z');
    await h.send(
      pipId,
      { type: 'APPEAL', against: 'dismissal', documents: [doc('appealLetter')] },
      employee,
    );
    // 5 working days after Mon 14 Dec: Tue 15 to Mon 21 Dec.
    expect((await h.load(pipId)).context.deadlines.appealDecision?.date).toBe('2026-12-21');
    h.at('2026-12-18T10:00:00Z');
    const outcome = { type: 'RECORD_APPEAL_OUTCOME' as const, outcome: 'overturned' as const };
    await h.send(pipId, { ...outcome, documents: [doc('appealOutcomeLetter')] }, hr);
    const pip = await h.load(pipId);
    expect(pip.state).toBe('reinstated');
    expect(pip.context.deadlines.appealDecision).toBeUndefined();
    h.at('2026-12-22T10:00:00Z');
    expect(await h.tick()).toEqual([]);
  });
});
