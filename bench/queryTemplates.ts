import { createHash } from 'node:crypto';
/**
 * Realistic PIP records for the query benchmark: a few plans driven through the engine to the
 * states an HR team sees (overdue, active, passed, terminated, resigned, transferred), then
 * copied with other ids and dates shifted by whole weeks, so 100,000 plans are built in seconds
 * rather than replayed one command at a time.
 */
import {
  type Actor,
  type Command,
  createEngine,
  defaultPolicy,
  GENESIS_HASH,
  memoryStore,
  type PipRecord,
  type StoredEvent,
} from '@pipkit/core';
import { type CommitRequest, NO_PIP_YET } from '@pipkit/core/adapter';
import { createTestClock } from '@pipkit/core/testing';

const hr: Actor = { id: 'hr-1', role: 'hr' };
const doc = (kind: string, n: number) => ({
  kind,
  ref: `dms://${kind}/${n}`,
  sha256: n.toString(16).padStart(64, '0'),
});
const plan = doc('planDocument', 1);

/** The template plans, by what became of them. */
export const TEMPLATE_KINDS = [
  'overdue',
  'active',
  'passed',
  'terminated',
  'resigned',
  'transferred',
] as const;
type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** One template: its final record and its first event (PIP_CREATED). */
interface Template {
  readonly record: PipRecord;
  readonly created: StoredEvent['event'];
}

/** Drives one plan per kind through an engine on a memory store, in 2026's calendar. */
export async function buildTemplates(): Promise<Record<TemplateKind, Template>> {
  const store = memoryStore();
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const engine = createEngine({ store, policies: [defaultPolicy], clock });
  const manager: Actor = { id: 'mgr-t', role: 'manager' };
  const ids = new Map<TemplateKind, string>();
  for (const kind of TEMPLATE_KINDS) {
    const { pip } = await engine.open(
      {
        employee: { id: `emp-${kind}`, timeZone: 'Europe/Berlin' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g1', description: 'Resolve tickets', measure: '90% within SLA' }],
        documents: [plan],
      },
      { actor: manager },
    );
    await engine.dispatch(pip.pipId, { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager });
    await engine.dispatch(pip.pipId, { type: 'APPROVE' }, { actor: hr });
    ids.set(kind, pip.pipId);
  }
  const send = async (kinds: readonly TemplateKind[], command: Command, actor: Actor) => {
    for (const kind of kinds) await engine.dispatch(ids.get(kind) as string, command, { actor });
  };
  clock.set('2026-03-03T15:00:00Z');
  for (const kind of TEMPLATE_KINDS.slice(1)) {
    await engine.dispatch(
      ids.get(kind) as string,
      { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
      { actor: { id: `emp-${kind}`, role: 'employee' } },
    );
  }
  clock.set('2026-03-11T15:00:00Z');
  await engine.tick();
  // The active plan as it stands now: a check-in pending, nothing overdue.
  const active = (await store.load(ids.get('active') as string)) as PipRecord;
  await send(['resigned'], { type: 'CLOSE', reason: 'resigned' }, hr);
  await send(['transferred'], { type: 'CLOSE', reason: 'transferred' }, hr);
  clock.set('2026-05-04T12:00:00Z');
  await engine.tick();
  clock.set('2026-05-04T15:00:00Z');
  await send(['passed'], { type: 'PASS', documents: [doc('finalReview', 2)] }, manager);
  await send(
    ['terminated'],
    { type: 'PROPOSE_TERMINATION', documents: [doc('finalReview', 3), doc('proposalNotice', 4)] },
    manager,
  );
  // The reply window closes with the sweep; then HR decides.
  clock.set('2026-05-12T15:00:00Z');
  await engine.tick();
  clock.set('2026-05-20T15:00:00Z');
  await send(
    ['terminated'],
    { type: 'DECIDE', decision: 'remove', documents: [doc('decisionLetter', 5)] },
    hr,
  );
  const templates = {} as Record<TemplateKind, Template>;
  for (const kind of TEMPLATE_KINDS) {
    const pipId = ids.get(kind) as string;
    const record = kind === 'active' ? active : ((await store.load(pipId)) as PipRecord);
    const [first] = await store.readEvents(pipId);
    templates[kind] = { record, created: (first as StoredEvent).event };
  }
  return templates;
}

const DAY_MS = 86_400_000;
const INSTANT = /"(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)?"/g;

/** The record with every date and instant in it moved by `days` (whole weeks keep weekdays). */
export function shifted(record: PipRecord, days: number): PipRecord {
  const text = JSON.stringify(record).replace(INSTANT, (_, date: string, time?: string) => {
    const moved = new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS)
      .toISOString()
      .slice(0, 10);
    return `"${moved}${time ?? ''}"`;
  });
  return JSON.parse(text) as PipRecord;
}

/**
 * The commit that stores a copy of `template` as PIP `pipId` with another employee and manager:
 * its record as the engine left it, and one event (the store's commit path checks the shape, not
 * the chain), so the store computes its query columns exactly as for any commit.
 */
export function copyCommit(
  template: { readonly record: PipRecord; readonly created: StoredEvent['event'] },
  pipId: string,
  employeeId: string,
  managerId: string,
): CommitRequest {
  // Any SHA-256 in hex will do (stores keep the hash as its 32 bytes): the chain is not checked.
  const hash = createHash('sha256').update(pipId).digest('hex');
  const { record } = template;
  return {
    pipId,
    expectedVersion: NO_PIP_YET,
    record: {
      ...record,
      pipId,
      employeeId,
      managerId,
      context: { ...record.context, employee: { ...record.context.employee, id: employeeId } },
      version: 1,
      lastHash: hash,
    },
    events: [{ pipId, seq: 1, event: template.created, prevHash: GENESIS_HASH, hash }],
    timers: { set: [], clear: [] },
    outbox: [],
  };
}
