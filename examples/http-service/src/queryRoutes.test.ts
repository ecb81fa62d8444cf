import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createEngine, defaultPolicy, memoryStore, type PipStore } from '@pipkit/core';
import { postgresStore } from '@pipkit/postgres';
import { sqliteStore } from '@pipkit/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  document,
  openBody,
  people,
  PG_URL,
  startService,
  type TestService,
  testDatabase,
} from './__fixtures__/service.js';

const plan = document('planDocument', 'the plan');
const otherManager = { id: 'mgr-2', role: 'manager' } as const;

const db = testDatabase('queries');
const files: string[] = [];
afterAll(async () => {
  await db.dropAll();
  for (const path of files)
    for (const end of ['', '-wal', '-shm']) rmSync(`${path}${end}`, { force: true });
});

const backends: { name: string; open: () => PipStore }[] = [
  { name: 'memory', open: () => memoryStore() },
  {
    name: 'sqlite',
    open: () => {
      const path = join(tmpdir(), `pipkit-http-q-${randomBytes(6).toString('hex')}.db`);
      files.push(path);
      return sqliteStore({ path });
    },
  },
  {
    name: 'postgres',
    open: () => postgresStore({ connectionString: PG_URL, schema: db.newSchema() }),
  },
];

describe.each(backends)('the read side over HTTP on $name', ({ open }) => {
  let service: TestService;
  let store: PipStore;

  beforeAll(async () => {
    store = open();
    service = await startService(store);
    // Three plans issued on 2 March: two of mgr-9's, one of mgr-2's; nobody acknowledges.
    const engine = createEngine({ store, policies: [defaultPolicy], clock: service.clock });
    const hr = people.hr;
    for (const [pipId, managerId, employeeId] of [
      ['h-1', people.manager.id, 'emp-1'],
      ['h-2', people.manager.id, 'emp-2'],
      ['h-3', otherManager.id, 'emp-3'],
    ] as const) {
      const manager = { id: managerId, role: 'manager' } as const;
      await engine.open(
        { ...openBody(pipId, employeeId), managerId, documents: [plan] },
        { actor: manager },
      );
      await engine.dispatch(pipId, { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager });
      await engine.dispatch(pipId, { type: 'APPROVE' }, { actor: hr });
    }
    // Five business days later the acknowledgements go overdue.
    service.clock.set('2026-03-11T15:00:00Z');
    await engine.tick();
  });
  afterAll(async () => {
    await service.close();
    await store.close?.();
  });

  it("gives a manager their team's overdue queue, with what is overdue and since when", async () => {
    const response = await service.request('POST', '/pips/query', {
      body: { overdue: true, sort: 'nextDeadline' },
    });
    expect(response.status).toBe(200);
    const items = response.json.items as { pipId: string; summary: { overdue: unknown[] } }[];
    expect(items.map((item) => item.pipId)).toEqual(['h-1', 'h-2']);
    expect(items[0]?.summary.overdue).toEqual([
      { id: 'acknowledgement', kind: 'acknowledgement', since: '2026-03-11T15:00:00.000Z' },
    ]);
    expect(response.json).toMatchObject({ hidden: 0, unreadable: [] });
  });

  it('pages with the cursor it returned, and refuses it for another query', async () => {
    const first = await service.request('POST', '/pips/query', {
      body: { limit: 1 },
      as: people.hr,
    });
    const cursor = first.json.next as string;
    const second = await service.request('POST', '/pips/query', {
      body: { limit: 1, cursor },
      as: people.hr,
    });
    expect((second.json.items as { pipId: string }[]).map((item) => item.pipId)).toEqual(['h-2']);
    const other = await service.request('POST', '/pips/query', {
      body: { limit: 1, cursor, states: ['draft'] },
      as: people.hr,
    });
    expect(other.status).toBe(400);
    expect(other.json).toMatchObject({
      code: 'INVALID_INPUT',
      issues: [{ code: 'CURSOR_OF_ANOTHER_QUERY', path: ['cursor'] }],
    });
  });

  it('answers an unknown filter with a 400 naming it, never an empty list', async () => {
    const response = await service.request('POST', '/pips/query', { body: { colour: 'red' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(response.json)).toContain('colour');
  });

  it('counts and reports within the actor’s scope', async () => {
    const hrCount = await service.request('POST', '/pips/count', { body: {}, as: people.hr });
    expect(hrCount.json).toEqual({ count: 3 });
    const mine = await service.request('POST', '/pips/count', { body: { overdue: true } });
    expect(mine.json).toEqual({ count: 2 });
    const report = await service.request('POST', '/reports', {
      body: { name: 'overdueByKind' },
      as: people.hr,
    });
    expect(report.json).toEqual({
      name: 'overdueByKind',
      rows: [{ kind: 'acknowledgement', count: 3, oldestSince: '2026-03-11T15:00:00.000Z' }],
    });
  });

  it("lists a PIP's deadlines for those who may read it, and 403 for others", async () => {
    const response = await service.request('GET', '/pips/h-1/deadlines');
    expect(response.status).toBe(200);
    const deadlines = response.json.deadlines as { id: string; status: string }[];
    expect(deadlines.find((entry) => entry.id === 'acknowledgement')?.status).toBe('overdue');
    const refused = await service.request('GET', '/pips/h-1/deadlines', { as: otherManager });
    expect(refused.status).toBe(403);
  });
});
