/**
 * The population of the "cost as it grows" bench: active PIPs (opened, issued, acknowledged), in
 * cohorts acknowledged at one instant each, so that small due groups have exactly their first
 * check-in due at a chosen instant while every other deadline in the store lies in the future.
 *
 * Two ways to write them, both through the store's public port:
 * - `engine`: every PIP through the engine, many at once so that group commit puts hundreds of
 *   writes in each store transaction. About 1.2 ms of CPU per PIP here (three commands), so a
 *   million takes 20 minutes or more per store on a 2-core machine.
 * - `clone` (the default): per cohort, the engine opens, issues and acknowledges one template PIP
 *   on a memory store, and the three commits it makes are kept; each PIP of the cohort is then
 *   written as those same three commits with its own ids and its own hash chain (every event
 *   re-hashed), in transactions of {@link CLONE_BATCH} PIPs through `commitMany`. The rows are
 *   the ones the engine writes for that PIP, write for write; samples are checked with
 *   `engine.verify` by the caller.
 */
import {
  type Actor,
  createEngine,
  defaultPolicyDocument,
  definePolicy,
  type Engine,
  GENESIS_HASH,
  hashEvent,
  memoryStore,
  type PipStore,
} from '@pipkit/core';
import type { CommitRequest } from '@pipkit/core/adapter';
import { createTestClock, type TestClock } from '@pipkit/core/testing';
import { counted } from './groupCommitBench.js';

/**
 * The default policy without the approval step (open, issue, acknowledge: three commands to
 * `active`), so seeding a million PIPs costs three writes each instead of four. Check-ins every
 * two weeks from the acknowledgement, each missed at the end of its day in the employee's zone.
 */
export const scalePolicy = definePolicy({
  ...defaultPolicyDocument,
  id: 'scale-bench',
  approval: { required: false },
});

const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };
const notes = { kind: 'checkInNotes', ref: 'dms://notes', sha256: 'b'.repeat(64) };

/** PIP `index`'s id and its manager, who records its check-ins. */
export const pipIdOf = (index: number): string => `p${index}`;
export const managerOf = (index: number): Actor => ({ id: `mgr-${index}`, role: 'manager' });

/**
 * Acknowledgement days (15:00 UTC) of the due groups, in order: nine weekdays whose check-in two
 * weeks later (16 to 26 March 2026) falls before the first check-in of every other PIP
 * ({@link BULK_ACKNOWLEDGED}: due at the end of 30 March in New York). A group's check-in, once
 * missed, is next due four weeks after its acknowledgement (30 March at the earliest), after the
 * last group's instant, so each group's deadlines are the only ones due at its instant.
 */
export const GROUP_ACKNOWLEDGED = [
  '2026-03-02',
  '2026-03-03',
  '2026-03-04',
  '2026-03-05',
  '2026-03-06',
  '2026-03-09',
  '2026-03-10',
  '2026-03-11',
  '2026-03-12',
].map((day) => `${day}T15:00:00.000Z`);
/** When every PIP outside the due groups is acknowledged: its first check-in is on 30 March. */
export const BULK_ACKNOWLEDGED = '2026-03-16T15:00:00.000Z';

/** PIPs `from` (inclusive) to `to` (exclusive), all acknowledged at one instant. */
export interface Cohort {
  readonly from: number;
  readonly to: number;
  readonly acknowledgedAt: string;
}

/**
 * How a cohort was seeded: PIPs written, wall time, and the mean commands per store transaction
 * (writes of one PIP never share a transaction, so that many PIPs each).
 */
export interface SeedFigures {
  readonly pips: number;
  readonly ms: number;
  readonly commandsPerTransaction: number;
}

/** Seeds cohorts through engines with group commit, counting the store transactions they make. */
export interface Seeder {
  seed(cohort: Cohort): Promise<SeedFigures>;
}

/**
 * A seeder on `store`: for each cohort, an engine whose clock stands at the cohort's instant
 * brings `concurrency` PIPs at a time to `active` (open with the plan and check-in notes,
 * `ISSUE`, `ACKNOWLEDGE`), every write through the engine's group commit, so one store
 * transaction carries up to `maxBatch` of them. Nothing is kept per PIP in this process beyond
 * the engine's bounded record cache.
 */
export function engineSeeder(store: PipStore, concurrency: number, maxBatch: number): Seeder {
  return {
    async seed({ from, to, acknowledgedAt }) {
      const clock: TestClock = createTestClock(acknowledgedAt);
      const { store: counting, meanGroup } = counted(store);
      const engine = createEngine({
        store: counting,
        policies: [scalePolicy],
        clock,
        groupCommit: { maxBatch },
      });
      const start = performance.now();
      let next = from;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, to - from) }, async () => {
          while (next < to) await activate(engine, next++);
        }),
      );
      return {
        pips: to - from,
        ms: performance.now() - start,
        commandsPerTransaction: meanGroup(),
      };
    },
  };
}

/**
 * Opens PIP `index` (or the template, `pipIdOf` and `managerOf` given its tokens) with its plan
 * and check-in notes, issues it and has it acknowledged.
 */
async function activate(
  engine: Engine,
  index: number,
  ids = { pipId: pipIdOf(index), managerId: managerOf(index).id, employeeId: `emp-${index}` },
): Promise<void> {
  const manager: Actor = { id: ids.managerId, role: 'manager' };
  const { pipId } = ids;
  await engine.open(
    {
      pipId,
      employee: { id: ids.employeeId, timeZone: 'America/New_York' },
      managerId: manager.id,
      policy: { id: scalePolicy.id },
      goals: [{ id: 'g1', description: 'Resolve tickets', measure: '90% within SLA' }],
      documents: [plan, notes],
    },
    { actor: manager },
  );
  await engine.dispatch(pipId, { type: 'ISSUE' }, { actor: manager });
  await engine.dispatch(
    pipId,
    { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
    { actor: { id: ids.employeeId, role: 'employee' } },
  );
}

/** PIPs per `commitMany` transaction on the clone path. */
export const CLONE_BATCH = 500;
/** The template's ids: tokens no other text of a commit contains (hashes are lower-case hex). */
const TEMPLATE = { pipId: 'TPLPIPX', managerId: 'TPLMGRX', employeeId: 'TPLEMPX' } as const;
const TOKENS = /TPLPIPX|TPLMGRX|TPLEMPX/g;

/** The commits the engine makes to bring the template PIP to `active` at `acknowledgedAt`. */
async function templateCommits(acknowledgedAt: string): Promise<string[]> {
  const memory = memoryStore();
  const commits: string[] = [];
  const capturing = Object.create(memory) as PipStore;
  Object.assign(capturing, {
    commit(request: CommitRequest) {
      if (request.idempotency) throw new Error('scale bench: a template commit has a key');
      commits.push(JSON.stringify(request));
      return memory.commit(request);
    },
  });
  const engine = createEngine({
    store: capturing,
    policies: [scalePolicy],
    clock: createTestClock(acknowledgedAt),
  });
  await activate(engine, 0, TEMPLATE);
  return commits;
}

/** The template's commits for PIP `index`: its ids, and each event hashed into its own chain. */
function cloneCommits(templates: readonly string[], index: number): CommitRequest[] {
  const ids: Record<string, string> = {
    [TEMPLATE.pipId]: pipIdOf(index),
    [TEMPLATE.managerId]: managerOf(index).id,
    [TEMPLATE.employeeId]: `emp-${index}`,
  };
  let prevHash = GENESIS_HASH;
  return templates.map((text) => {
    const request = JSON.parse(
      text.replace(TOKENS, (token) => ids[token] as string),
    ) as CommitRequest;
    const events = request.events.map((stored) => {
      const hash = hashEvent(stored.pipId, stored.seq, stored.event, prevHash);
      const chained = { ...stored, prevHash, hash };
      prevHash = hash;
      return chained;
    });
    return { ...request, events, record: { ...request.record, lastHash: prevHash } };
  });
}

/**
 * A seeder that writes each cohort as clones of its template PIP's commits, {@link CLONE_BATCH}
 * PIPs per transaction: the batch's first commits in one `commitMany`, then its second, then its
 * third, as the engine would write them one after another.
 */
export function cloneSeeder(store: PipStore): Seeder {
  const commitMany = store.commitMany?.bind(store);
  if (!commitMany) throw new Error('scale bench: the store has no commitMany');
  return {
    async seed({ from, to, acknowledgedAt }) {
      const templates = await templateCommits(acknowledgedAt);
      const start = performance.now();
      let transactions = 0;
      for (let first = from; first < to; first += CLONE_BATCH) {
        const batch = Array.from({ length: Math.min(CLONE_BATCH, to - first) }, (_, offset) =>
          cloneCommits(templates, first + offset),
        );
        for (let write = 0; write < templates.length; write += 1) {
          const outcomes = await commitMany(
            batch.map((commits) => commits[write] as CommitRequest),
          );
          transactions += 1;
          const failed = outcomes.find((outcome) => outcome !== undefined);
          if (failed) throw failed;
        }
      }
      const commands = (to - from) * templates.length;
      return {
        pips: to - from,
        ms: performance.now() - start,
        commandsPerTransaction: commands / transactions,
      };
    },
  };
}

/** When group `group`'s first check-in is due, read from its first PIP's stored deadlines. */
export async function checkInDue(store: PipStore, index: number): Promise<string> {
  const record = await store.load(pipIdOf(index));
  const due = record?.context.deadlines['checkIn:1']?.dueAt;
  if (!due) throw new Error(`scale bench: ${pipIdOf(index)} has no first check-in deadline`);
  return due;
}
