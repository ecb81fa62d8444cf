import { describe, expectTypeOf, it } from 'vitest';
import {
  type Actor,
  type Command,
  type CommandOf,
  createEngine,
  defaultPolicy,
  definePolicy,
  defaultPolicyDocument,
  type DispatchResult,
  type Explanation,
  memoryStore,
  type PipEvent,
  type PipState,
  type MigrationPlanEntry,
  type PolicyDocumentInput,
  type PresetName,
} from '../index.js';

const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy] });
const actor: Actor = { id: 'hr-1', role: 'hr' };

describe('public types', () => {
  it('types each command by its discriminant', () => {
    // An extension names its length or its new last day; the engine refuses neither and both.
    expectTypeOf<CommandOf<'EXTEND'>>()
      .toHaveProperty('amount')
      .toEqualTypeOf<number | undefined>();
    expectTypeOf<CommandOf<'EXTEND'>>().toHaveProperty('until').toEqualTypeOf<string | undefined>();
    expectTypeOf<CommandOf<'DECIDE'>['decision']>().toEqualTypeOf<
      'remove' | 'demote' | 'reassign' | 'retain'
    >();
    expectTypeOf<Command['type']>().toEqualTypeOf<CommandOf<Command['type']>['type']>();
  });

  it('accepts well-formed commands and rejects malformed ones at compile time', () => {
    expectTypeOf(
      engine.dispatch('p', { type: 'EXTEND', amount: 10, reason: 'leave' }, { actor }),
    ).toEqualTypeOf<Promise<DispatchResult>>();
    // @ts-expect-error: EXTEND needs a reason
    void engine.dispatch('p', { type: 'EXTEND', amount: 10 }, { actor });
    // @ts-expect-error: not a command
    void engine.dispatch('p', { type: 'FIRE' }, { actor });
    // @ts-expect-error: not a role
    void engine.dispatch('p', { type: 'APPROVE' }, { actor: { id: 'x', role: 'ceo' } });
    expectTypeOf(engine.explain('p', { type: 'APPROVE' }, { actor: actor })).toEqualTypeOf<
      Promise<Explanation>
    >();
  });

  it('narrows events and states', () => {
    expectTypeOf<
      Extract<PipEvent, { type: 'EXTENDED' }>['plan']['endDate']
    >().toEqualTypeOf<string>();
    expectTypeOf<'passed.watching'>().toExtend<PipState>();
    // @ts-expect-error: not a state
    const state: PipState = 'fired';
    void state;
  });

  it('types the preset registry, the migration report and the new commands', () => {
    expectTypeOf<PresetName>().toEqualTypeOf<
      | 'default'
      | 'usFederal432'
      | 'ukAcasCapability'
      | 'universityStaff'
      | 'startupHandbook'
      | 'unionAgreement'
    >();
    expectTypeOf(
      engine.planMigration({ policyId: 'p', fromVersion: 1, toVersion: 2 }, { actor }),
    ).toEqualTypeOf<Promise<MigrationPlanEntry[]>>();
    expectTypeOf<CommandOf<'EXTEND_NOTICE'>['reason']>().toEqualTypeOf<string>();
    expectTypeOf<CommandOf<'FULFIL_OBLIGATION'>['obligationId']>().toEqualTypeOf<string>();
    // @ts-expect-error: a relapse carries no decision
    void engine.dispatch('p', { type: 'RECORD_RELAPSE', decision: 'remove' }, { actor });
  });

  it('checks policy documents as written', () => {
    expectTypeOf(definePolicy).parameter(0).toEqualTypeOf<PolicyDocumentInput>();
    const duration: PolicyDocumentInput['plan']['duration'] = {
      ...defaultPolicyDocument.plan.duration,
      // @ts-expect-error: not a duration unit
      unit: 'fortnights',
    };
    void duration;
  });
});
