import { describe, expect, it } from 'vitest';
import { definePolicy } from '../policy/definePolicy.js';
import { defaultPolicyDocument } from '../policy/defaultPolicy.js';
import type { PolicyDocumentInput } from '../policy/policySchema.js';
import {
  codes,
  doc,
  employee,
  hr,
  manager,
  presetHarness,
  refusal,
} from '../policy/presets/__fixtures__/presetHarness.js';

/** A plan issued Monday 2 March 2026 (New York) on the default policy with `changes`. */
async function issued(changes: Partial<PolicyDocumentInput>) {
  const policy = definePolicy({
    ...defaultPolicyDocument,
    id: 'governance',
    approval: { required: false, approverRoles: ['hr'] },
    ...changes,
  });
  const h = presetHarness([policy], {
    start: '2026-03-02T15:00:00Z',
    timeZone: 'America/New_York',
  });
  const { pipId } = await h.open();
  await h.send(pipId, { type: 'ISSUE', documents: [doc('planDocument')] }, manager);
  return { h, pipId };
}

describe('documents required for one reason only (requiredDocumentsByReason)', () => {
  it('asks a close for withdrawal for its memo, and a close for resignation for nothing more', async () => {
    const rules = { requiredDocumentsByReason: { CLOSE: { withdrawn: ['withdrawalMemo'] } } };
    const first = await issued(rules);
    const missing = await refusal(
      first.h.engine.dispatch(first.pipId, { type: 'CLOSE', reason: 'withdrawn' }, { actor: hr }),
    );
    expect(codes(missing)).toEqual(['DOCUMENT_MISSING']);
    expect(missing.issues[0]?.path).toEqual(['documents', 'withdrawalMemo']);
    await first.h.send(
      first.pipId,
      { type: 'CLOSE', reason: 'withdrawn', documents: [doc('withdrawalMemo')] },
      hr,
    );
    const second = await issued(rules);
    await second.h.send(second.pipId, { type: 'CLOSE', reason: 'resigned' }, hr);
  });

  it('never reads a reason off the prototype: constructor, toString and __proto__ are plain reasons', async () => {
    const { h, pipId } = await issued({
      requiredDocumentsByReason: { EXTEND: { performanceDisputed: ['deanApproval'] } },
      extensions: {
        maxCount: 3,
        unit: 'calendarDays',
        maxEach: 30,
        maxTotal: 90,
        approvalFor: { performanceDisputed: ['deanApproval'] },
      },
    });
    await h.send(
      pipId,
      { type: 'ACKNOWLEDGE', documentSha256: doc('planDocument').sha256 },
      employee,
    );
    for (const reason of ['constructor', 'toString', '__proto__']) {
      const result = await h.engine.explain(
        pipId,
        { type: 'EXTEND', amount: 5, reason },
        { actor: hr },
      );
      expect(result.accepted).toBe(true);
    }
    const disputed = await refusal(
      h.engine.dispatch(
        pipId,
        { type: 'EXTEND', amount: 5, reason: 'performanceDisputed' },
        { actor: hr },
      ),
    );
    expect(disputed.issues.map((issue) => issue.path)).toEqual([['documents', 'deanApproval']]);
  });
});

describe('the acknowledgement gate (acknowledgement.gatesEmployee)', () => {
  it('lets the employee only acknowledge until the plan is acknowledged', async () => {
    const { h, pipId } = await issued({
      acknowledgement: {
        mode: 'required',
        due: defaultPolicyDocument.acknowledgement.due,
        gatesEmployee: true,
      },
    });
    const note = { type: 'ATTACH_DOCUMENT', documents: [doc('employeeComment')] } as const;
    const gated = await refusal(
      h.engine.dispatch(pipId, { ...note, documents: [...note.documents] }, { actor: employee }),
    );
    expect(codes(gated)).toEqual(['ACKNOWLEDGEMENT_REQUIRED']);
    // The manager is not gated.
    await h.send(pipId, { type: 'ATTACH_DOCUMENT', documents: [doc('managerNote')] }, manager);
    await h.send(
      pipId,
      { type: 'ACKNOWLEDGE', documentSha256: doc('planDocument').sha256 },
      employee,
    );
    await h.send(pipId, { ...note, documents: [...note.documents] }, employee);
  });
});

describe('a refusal to sign is told (escalation acknowledgementRefused)', () => {
  it('copies HR when the witnessed refusal is recorded', async () => {
    const { h, pipId } = await issued({
      acknowledgement: {
        mode: 'refusalWithWitness',
        due: defaultPolicyDocument.acknowledgement.due,
      },
      escalations: [{ trigger: 'acknowledgementRefused', notify: ['hr'] }],
    });
    const events = await h.send(
      pipId,
      {
        type: 'RECORD_REFUSAL',
        documentSha256: doc('planDocument').sha256,
        witnessId: 'hr-2',
      },
      manager,
    );
    expect(events).toEqual(['REFUSAL_WITNESSED', 'ESCALATED']);
    const outbox = await h.store.pendingOutbox?.(10);
    expect(outbox?.map((message) => message.type)).toContain(
      'pip.escalation.acknowledgementRefused',
    );
  });
});
