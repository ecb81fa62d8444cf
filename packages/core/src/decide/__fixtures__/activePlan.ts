/**
 * A PIP on a variant of the default policy, issued Monday 2 March 2026 and acknowledged Tuesday
 * 3 March (America/New_York), so its 60 inclusive days end Friday 1 May; for tests of one policy
 * section through the engine with exact dates.
 */
import { createEngine } from '../../engine/createEngine.js';
import type { Actor } from '../../model/actor.js';
import { defaultPolicyDocument } from '../../policy/defaultPolicy.js';
import { definePolicy } from '../../policy/definePolicy.js';
import type { PolicyDocumentInput } from '../../policy/policySchema.js';
import { memoryStore } from '../../store/memoryStore.js';
import { createTestClock } from '../../testing/testClock.js';

export const manager: Actor = { id: 'mgr-1', role: 'manager' };
export const hr: Actor = { id: 'hr-1', role: 'hr' };
export const employee: Actor = { id: 'emp-1', role: 'employee' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };

/** PIP `p`, active from 3 March on the default policy with `changes`; its engine and clock. */
export async function activePlan(changes: Partial<PolicyDocumentInput> & { readonly id: string }) {
  const policy = definePolicy({ ...defaultPolicyDocument, ...changes });
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const engine = createEngine({ store: memoryStore(), policies: [policy], clock });
  await engine.open(
    {
      pipId: 'p',
      employee: { id: employee.id, timeZone: 'America/New_York' },
      managerId: manager.id,
      policy: { id: policy.id },
      goals: [{ id: 'g1', description: 'Resolve tickets', measure: '90% within SLA' }],
      documents: [plan],
    },
    { actor: manager },
  );
  await engine.dispatch('p', { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager });
  await engine.dispatch('p', { type: 'APPROVE' }, { actor: hr });
  clock.set('2026-03-03T15:00:00Z');
  await engine.dispatch(
    'p',
    { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
    { actor: employee },
  );
  return { engine, clock };
}
