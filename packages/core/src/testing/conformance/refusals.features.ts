// By package name, like the rest of the suite: one set of classes for adapters and suite.
import {
  type Actor,
  createEngine,
  defaultPolicy,
  type Engine,
  type PipStore,
  type RefusalChainBreak,
  type RefusalEntry,
  type RefusalReadOptions,
  verifyRefusalChain,
} from '@pipkit/core';
import { createTestClock } from '../testClock.js';
import { codeOf, type ConformanceContext } from './conformanceContext.js';

/**
 * A change to a store's raw refusal rows, as someone with write access to the database would
 * make it behind pipkit's back: `edit` changes the actor id of one row and leaves its hash;
 * `delete` removes one row; `swap` exchanges the `seq` of two rows (a reordering); `renumber`
 * moves one row to another `seq` (closing the gap a deletion left).
 */
export type RefusalTamper =
  | { readonly kind: 'edit'; readonly pipId: string; readonly seq: number }
  | { readonly kind: 'delete'; readonly pipId: string; readonly seq: number }
  | { readonly kind: 'swap'; readonly pipId: string; readonly seqs: readonly [number, number] }
  | {
      readonly kind: 'renumber';
      readonly pipId: string;
      readonly from: number;
      readonly to: number;
    };

/** An adapter's way to its own raw refusal rows, for the tampering tests. */
export type RefusalTamperer = (store: PipStore, tamper: RefusalTamper) => Promise<void>;

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const stranger: Actor = { id: 'mgr-9', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };

const entry = (pipId: string, index: number): RefusalEntry => ({
  pipId,
  at: new Date(Date.parse('2026-03-02T14:00:00.000Z') + index * 1000).toISOString(),
  actor: { id: `actor-${index}`, role: index % 2 === 0 ? 'manager' : 'employee' },
  action: index % 2 === 0 ? 'APPROVE' : 'READ',
  outcome: index % 3 === 0 ? 'COMMAND_REFUSED' : 'FORBIDDEN',
  codes: index % 2 === 0 ? ['SELF_APPROVAL', 'ROLE_NOT_ALLOWED'] : [],
});

/** An engine over the store with one PIP and `count` refused reads of it by a stranger. */
async function refusedReads(store: PipStore, count: number): Promise<Engine> {
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock: createTestClock('2026-03-02T15:00:00Z'),
  });
  await engine.open(
    {
      pipId: 'pip-1',
      employee: { id: 'emp-1', timeZone: 'Europe/London' },
      managerId: manager.id,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g1', description: 'Close tickets', measure: '90% within SLA' }],
    },
    { actor: manager },
  );
  for (let index = 0; index < count; index += 1) {
    await engine.get('pip-1', { actor: stranger }).catch(() => undefined);
  }
  return engine;
}

/**
 * Registers "refusal log" when `options.refusalLog` is set: `appendRefusal` chains each refused
 * attempt per PIP (per tenant and PIP), `readRefusals` pages through it in order, concurrent
 * appends never fork or share a `seq`, and, with `options.tamperRefusals`, `engine.verify` names
 * an edited, deleted, reordered or renumbered row.
 */
export function registerRefusalFeatures(context: ConformanceContext): void {
  if (!context.options.refusalLog) return;
  const { describe, it, expect } = context.test;
  const log = (store: PipStore = context.store) => {
    const missing = () =>
      new Error('options.refusalLog is set but the store has no appendRefusal/readRefusals');
    return {
      append: (refused: RefusalEntry) => {
        if (!store.appendRefusal) throw missing();
        return store.appendRefusal(refused);
      },
      read: (pipId: string, options?: RefusalReadOptions) => {
        if (!store.readRefusals) throw missing();
        return store.readRefusals(pipId, options);
      },
    };
  };

  describe('refusal log', () => {
    it('chains refusals per PIP in order and returns each as stored', async () => {
      const { append, read } = log();
      const stored = [];
      for (let index = 0; index < 5; index += 1) stored.push(await append(entry('pip-1', index)));
      await append(entry('pip-2', 0));
      expect(stored.map((record) => record.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(await read('pip-1')).toEqual(stored);
      expect(verifyRefusalChain(await read('pip-1'), { pipId: 'pip-1' })).toMatchObject({
        ok: true,
        count: 5,
      });
      expect((await read('pip-2')).map((record) => record.seq)).toEqual([1]);
      expect(await read('never')).toEqual([]);
    });

    it('pages by seq: after afterSeq, at most limit', async () => {
      const { append, read } = log();
      for (let index = 0; index < 7; index += 1) await append(entry('pip-1', index));
      const seqs = async (options: { afterSeq?: number; limit?: number }) =>
        (await read('pip-1', options)).map((record) => record.seq);
      expect(await seqs({ limit: 3 })).toEqual([1, 2, 3]);
      expect(await seqs({ afterSeq: 3, limit: 3 })).toEqual([4, 5, 6]);
      expect(await seqs({ afterSeq: 6, limit: 3 })).toEqual([7]);
      expect(await seqs({ afterSeq: 7 })).toEqual([]);
      expect(await seqs({ limit: 0 })).toEqual([]);
    });

    it('refuses an entry with free text or an unknown role, and writes nothing', async () => {
      const { append, read } = log();
      for (const bad of [
        { ...entry('pip-1', 0), codes: ['Ada is on sick leave'] },
        { ...entry('pip-1', 0), actor: { id: 'x', role: 'ceo' } },
        { ...entry('pip-1', 0), message: 'free text' },
      ]) {
        const error: unknown = await append(bad as RefusalEntry).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(codeOf(error)).toBe('INVALID_INPUT');
      }
      expect(await read('pip-1')).toEqual([]);
    });

    it('never forks or repeats a seq when appends to one chain race', async () => {
      const { append, read } = log();
      const stored = await Promise.all(
        Array.from({ length: 12 }, (_, index) => append(entry('pip-1', index))),
      );
      expect(stored.map((record) => record.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 12 }, (_, index) => index + 1),
      );
      const records = await read('pip-1');
      expect(records).toHaveLength(12);
      expect(verifyRefusalChain(records, { pipId: 'pip-1' })).toMatchObject({ ok: true });
    });

    it("keeps a purged PIP's refusals: they are the security trail", async () => {
      const { store } = context;
      if (!store.purge) return;
      const engine = await refusedReads(store, 2);
      await store.purge('pip-1', (await engine.get('pip-1', { actor: hr })).version);
      expect(await store.load('pip-1')).toBeUndefined();
      expect(await log().read('pip-1')).toHaveLength(2);
    });

    it('keeps each tenant’s chains apart', async () => {
      const { store } = context;
      if (!context.options.tenants || !store.forTenant) return;
      const a = log(store.forTenant('tenant-a'));
      const b = log(store.forTenant('tenant-b'));
      await a.append(entry('pip-1', 0));
      await a.append(entry('pip-1', 1));
      await b.append(entry('pip-1', 2));
      expect((await a.read('pip-1')).map((record) => record.actor.id)).toEqual([
        'actor-0',
        'actor-1',
      ]);
      expect((await b.read('pip-1')).map((record) => record.seq)).toEqual([1]);
      expect(await log(store.forTenant('tenant-c')).read('pip-1')).toEqual([]);
    });

    const tamper = context.options.tamperRefusals;
    if (!tamper) return;
    const cases: [string, RefusalTamper[], RefusalChainBreak][] = [
      ['an edited row', [{ kind: 'edit', pipId: 'pip-1', seq: 2 }], 'REFUSAL_HASH_MISMATCH'],
      [
        'a deleted middle row',
        [{ kind: 'delete', pipId: 'pip-1', seq: 2 }],
        'REFUSAL_SEQUENCE_GAP',
      ],
      [
        'two rows reordered',
        [{ kind: 'swap', pipId: 'pip-1', seqs: [2, 3] }],
        'REFUSAL_BROKEN_LINK',
      ],
      [
        'a deleted row and the rest renumbered',
        [
          { kind: 'delete', pipId: 'pip-1', seq: 2 },
          { kind: 'renumber', pipId: 'pip-1', from: 3, to: 2 },
          { kind: 'renumber', pipId: 'pip-1', from: 4, to: 3 },
        ],
        'REFUSAL_BROKEN_LINK',
      ],
    ];
    for (const [what, changes, code] of cases) {
      it(`has verify name ${what} ${code}`, async () => {
        const { store } = context;
        const engine = await refusedReads(store, 4);
        expect(await engine.verify('pip-1', { actor: hr })).toMatchObject({
          ok: true,
          refusals: { ok: true, count: 4 },
        });
        for (const change of changes) await tamper(store, change);
        const verification = await engine.verify('pip-1', { actor: hr });
        expect(verification.ok).toBe(false);
        expect(verification.chain.ok).toBe(true);
        expect(verification.refusals).toMatchObject({ ok: false, code, brokenAt: 2 });
      });
    }
  });
}
