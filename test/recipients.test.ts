/**
 * The recipients port through the engine's relay, on the memory store and SQLite: roles resolved
 * to people before the handler sees a message; an unknown recipient, a malformed answer or a
 * resolver that throws is a typed failure on that message, retried after the backoff and
 * dead-lettered in the end, while every other PIP's messages go.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Actor,
  createEngine,
  defaultPolicy,
  type DeliveredMessage,
  memoryStore,
  type Person,
  type PipStore,
  type RecipientPip,
  type RecipientResolver,
} from '@pipkit/core';
import { createTestClock, storeSelected } from '@pipkit/core/testing';
import { sqliteStore } from '@pipkit/sqlite';

const hr: Actor = { id: 'hr-1', role: 'hr' };
const manager: Actor = { id: 'mgr-1', role: 'manager' };
const PLAN = { kind: 'planDocument', ref: 'dms://plan/1', sha256: '1'.padStart(64, '0') };

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const stores: readonly (readonly [string, () => PipStore])[] = [
  ['memory', () => memoryStore()],
  [
    'sqlite',
    () => {
      const folder = mkdtempSync(join(tmpdir(), 'pipkit-recipients-'));
      folders.push(folder);
      return sqliteStore({ path: join(folder, 'pipkit.db') });
    },
  ],
];

/** A directory: each PIP's employee, manager and HR partner; `union` known only for pip-b. */
const directory: RecipientResolver = (pip, role) => {
  const people: Record<string, Person[]> = {
    employee: [{ id: pip.employeeId, email: `${pip.employeeId}@example.com` }],
    manager: [{ id: pip.managerId, email: `${pip.managerId}@example.com` }],
    hr: [{ id: 'hrbp-7', name: 'HR partner', email: 'hrbp-7@example.com' }],
  };
  return people[role] ?? [];
};

function setup(makeStore: () => PipStore, recipients: RecipientResolver) {
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const store = makeStore();
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock,
    recipients,
    delivery: { maxAttempts: 2, baseDelayMs: 1000, random: () => 0.5 },
  });
  /** Opens and submits a plan: one `pip.approvalRequested` message, to HR. */
  const submit = async (pipId: string) => {
    await engine.open(
      {
        pipId,
        employee: { id: `emp-${pipId}`, timeZone: 'Europe/London' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g1', description: 'Ship the report', measure: 'Weekly, on time' }],
      },
      { actor: manager },
    );
    await engine.dispatch(
      pipId,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN] },
      { actor: manager },
    );
  };
  return { clock, store, engine, submit };
}

for (const [name, makeStore] of stores) {
  describe.runIf(storeSelected(name))(`the recipients port (${name})`, () => {
    it('hands each message over with the people its roles resolve to, asked with the PIP and the message type', async () => {
      const asked: [RecipientPip, string][] = [];
      const { engine, submit } = setup(makeStore, (pip, role) => {
        asked.push([pip, role]);
        return directory(pip, role);
      });
      await submit('pip-a');
      await engine.dispatch('pip-a', { type: 'APPROVE' }, { actor: hr });
      const seen: DeliveredMessage[] = [];
      const round = await engine.relay((message) => void seen.push(message));
      expect(round.failed).toEqual([]);
      expect(seen.map((message) => [message.type, message.recipients])).toEqual([
        [
          'pip.approvalRequested',
          [
            {
              role: 'hr',
              people: [{ id: 'hrbp-7', name: 'HR partner', email: 'hrbp-7@example.com' }],
            },
          ],
        ],
        [
          'pip.issued',
          [
            { role: 'employee', people: [{ id: 'emp-pip-a', email: 'emp-pip-a@example.com' }] },
            { role: 'manager', people: [{ id: 'mgr-1', email: 'mgr-1@example.com' }] },
          ],
        ],
      ]);
      expect(asked[0]).toEqual([
        {
          pipId: 'pip-a',
          employeeId: 'emp-pip-a',
          managerId: 'mgr-1',
          messageType: 'pip.approvalRequested',
        },
        'hr',
      ]);
    });

    it('records an unknown recipient on the message, retries it after the backoff, dead-letters it, and delivers the other PIPs meanwhile', async () => {
      let hrKnown = false;
      const { engine, submit, clock } = setup(makeStore, (pip, role) =>
        role === 'hr' && pip.pipId === 'pip-a' && !hrKnown ? [] : directory(pip, role),
      );
      await submit('pip-a');
      await submit('pip-b');
      const delivered: string[] = [];
      const first = await engine.relay((message) => void delivered.push(message.pipId));
      expect(delivered).toEqual(['pip-b']);
      expect(first.failed).toEqual([
        expect.objectContaining({
          pipId: 'pip-a',
          attempts: 1,
          code: 'DELIVERY_UNKNOWN_RECIPIENT',
        }),
      ]);
      // Not before its backoff (half of the first 1 s ceiling), then the last attempt fails too.
      expect((await engine.relay(() => undefined)).failed).toEqual([]);
      clock.advance(500);
      const last = await engine.relay(() => undefined);
      expect(last.deadLettered).toEqual([
        expect.objectContaining({
          pipId: 'pip-a',
          attempts: 2,
          code: 'DELIVERY_UNKNOWN_RECIPIENT',
        }),
      ]);
      // An operator retries it once the directory knows the HR partner: it goes.
      hrKnown = true;
      const [letter] = (await engine.deadLetters({ pipId: 'pip-a' }, { actor: hr })).deadLetters;
      expect(letter?.lastError?.code).toBe('DELIVERY_UNKNOWN_RECIPIENT');
      await engine.retryDeadLetter({ pipId: 'pip-a', messageId: letter?.id ?? '' }, { actor: hr });
      expect((await engine.relay(() => undefined)).delivered).toEqual([letter?.id]);
    });

    it('records a malformed answer and a resolver that throws with their own codes, never handing the message over', async () => {
      const answers: Record<string, () => unknown> = {
        'pip-a': () => [{ id: 'hrbp-7', email: 'not an address' }],
        'pip-b': () => 'hrbp-7',
        'pip-c': () => {
          throw new Error('directory unreachable');
        },
      };
      const { engine, submit } = setup(
        makeStore,
        (pip) => answers[pip.pipId]?.() as readonly Person[],
      );
      for (const pipId of Object.keys(answers)) await submit(pipId);
      const handed: string[] = [];
      const round = await engine.relay((message) => void handed.push(message.id));
      expect(handed).toEqual([]);
      expect(round.failed.map((failure) => [failure.pipId, failure.code])).toEqual([
        ['pip-a', 'DELIVERY_MALFORMED_ANSWER'],
        ['pip-b', 'DELIVERY_MALFORMED_ANSWER'],
        ['pip-c', 'DELIVERY_UNREACHABLE'],
      ]);
    });
  });
}
