import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Actor, type Delegation, memoryStore, type PipkitError } from '@pipkit/core';
import { createTestClock } from '@pipkit/core/testing';
import { describe, expect, it } from 'vitest';
import { type Directory, orgChartEngine } from './orgChart.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * An in-memory directory: cto > vp-eng > dir-platform > { mgr-ana > emp-bo ; mgr-cy > emp-di }.
 * hr-eve partners `platform`. The test changes delegations and conflicts as it goes.
 */
function directory() {
  const managerOf = new Map([
    ['vp-eng', 'cto'],
    ['dir-platform', 'vp-eng'],
    ['mgr-ana', 'dir-platform'],
    ['mgr-cy', 'dir-platform'],
    ['emp-bo', 'mgr-ana'],
    ['emp-di', 'mgr-cy'],
  ]);
  const partners = new Map([['platform', ['hr-eve']]]);
  const delegations: Delegation[] = [];
  const conflicts = new Map<string, string[]>();
  const people: Directory = {
    managerOf: (id) => Promise.resolve(managerOf.get(id)),
    reportsOf: (id) =>
      Promise.resolve([...managerOf].filter(([, boss]) => boss === id).map(([person]) => person)),
    partnersOf: (unit) => Promise.resolve(partners.get(unit) ?? []),
    unitsPartneredBy: (id) =>
      Promise.resolve([...partners].filter(([, hr]) => hr.includes(id)).map(([unit]) => unit)),
    delegationsTo: (id) =>
      Promise.resolve(delegations.filter((delegation) => delegation.deputyId === id)),
    conflictsAbout: (id) => Promise.resolve(conflicts.get(id) ?? []),
  };
  return { people, delegations, conflicts };
}

const as = (id: string, role: Actor['role']): Actor => ({ id, role });
const planDocument = { kind: 'planDocument', ref: 'dms://plans/1', sha256: 'b'.repeat(64) };

async function codesOf(promise: Promise<unknown>): Promise<string[]> {
  const error = (await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as PipkitError | undefined;
  return error ? [error.code, ...error.issues.map((issue) => issue.code)] : [];
}

describe('the org chart example of docs/authorization.md', () => {
  it('is quoted in docs/authorization.md verbatim, so the guide never drifts from code a test runs', () => {
    const code = readFileSync(`${here}orgChart.ts`, 'utf8').trim();
    const guide = readFileSync(`${root}docs/authorization.md`, 'utf8');
    expect(guide).toContain(`\`\`\`ts\n${code}\n\`\`\``);
  });

  it('runs a plan through the org chart: the line manager, HR partner, skip level, deputy, sweep', async () => {
    const { people, delegations, conflicts } = directory();
    const clock = createTestClock('2026-03-02T09:00:00.000Z');
    const engine = orgChartEngine(people, { store: memoryStore(), clock });
    const { pip } = await engine.open(
      {
        employee: { id: 'emp-bo', timeZone: 'Europe/Berlin' },
        managerId: 'mgr-ana',
        orgUnitId: 'platform',
        policy: { id: 'pipkit-default' },
        goals: [{ id: 'g1', description: 'Review pull requests', measure: 'within 2 days' }],
      },
      { actor: as('mgr-ana', 'manager') },
    );
    // Another team's manager neither opens nor reads this one.
    expect(await codesOf(engine.get(pip.pipId, { actor: as('mgr-cy', 'manager') }))).toEqual([
      'FORBIDDEN',
      'NO_RELATIONSHIP',
    ]);
    await engine.dispatch(
      pip.pipId,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [planDocument] },
      { actor: as('mgr-ana', 'manager') },
    );
    // The skip level reads the plan but approves nothing; the unit's HR partner approves.
    expect(
      (await engine.get(pip.pipId, { actor: as('dir-platform', 'seniorManager') })).state,
    ).toBe('pendingApproval');
    const approved = await engine.dispatch(
      pip.pipId,
      { type: 'APPROVE' },
      { actor: as('hr-eve', 'hr') },
    );
    expect(approved.pip.state).toBe('opened');
    // The VP is level 3: a director's reads, found in queries too.
    expect((await engine.query({}, { actor: as('vp-eng', 'seniorManager') })).pips).toHaveLength(1);
    expect(await engine.count({}, { actor: as('cto', 'seniorManager') })).toBe(0);
    // mgr-cy stands in for mgr-ana while she is away, and only then.
    delegations.push({
      principalId: 'mgr-ana',
      deputyId: 'mgr-cy',
      from: '2026-03-03T00:00:00.000Z',
      until: '2026-03-10T00:00:00.000Z',
    });
    expect((await engine.query({}, { actor: as('mgr-cy', 'manager') })).pips).toHaveLength(0);
    clock.set('2026-03-03T00:00:00.000Z');
    expect((await engine.query({}, { actor: as('mgr-cy', 'manager') })).pips).toHaveLength(1);
    clock.set('2026-03-10T00:00:00.000Z');
    expect((await engine.query({}, { actor: as('mgr-cy', 'manager') })).pips).toHaveLength(0);
    // A declared conflict bars even the HR partner.
    conflicts.set('emp-bo', ['hr-eve']);
    expect(await codesOf(engine.get(pip.pipId, { actor: as('hr-eve', 'hr') }))).toEqual([
      'FORBIDDEN',
      'CONFLICT_OF_INTEREST',
    ]);
    // The sweep fires the acknowledgement deadline as the system, a tenant-wide role.
    clock.set('2026-05-01T00:00:00.000Z');
    const tick = await engine.tick();
    expect(tick.faults).toEqual([]);
    expect(tick.fired.map((fired) => fired.deadlineId)).toContain('acknowledgement');
  });
});
