import { createEngine, defaultPolicy, memoryStore } from '@pipkit/core';

const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy] });
const manager = { id: 'mgr-9', role: 'manager' } as const;
const hr = { id: 'hr-7', role: 'hr' } as const;
const plan = { kind: 'planDocument', ref: 'dms://plans/42', sha256: 'c0ffee'.padEnd(64, '0') };

const { pip } = await engine.open(
  {
    employee: { id: 'emp-42', timeZone: 'America/Chicago' },
    managerId: manager.id,
    policy: { id: 'pipkit-default' },
    goals: [{ id: 'sla', description: 'Close tickets on time', measure: '90% within SLA weekly' }],
  },
  { actor: manager },
);
await engine.dispatch(
  pip.pipId,
  { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
  { actor: manager },
);
const approved = await engine.dispatch(pip.pipId, { type: 'APPROVE' }, { actor: hr });
console.log(approved.pip.state, approved.pip.context.deadlines.acknowledgement?.date);

const why = await engine.explain(
  pip.pipId,
  { type: 'EXTEND', amount: 10, reason: 'x' },
  { actor: manager },
);
console.log(
  why.accepted,
  why.issues.map((issue) => issue.code),
); // false [ 'NOT_ALLOWED_IN_STATE' ]
