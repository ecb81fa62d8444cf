import { hashEvent, type PipRecord, type PipStore } from '@pipkit/core';
import type { CommitRequest } from '@pipkit/core/adapter';
import { runReferenceLifecycle } from '@pipkit/core/testing';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { faultyDatabase } from './__fixtures__/faultyDatabase.js';
import { CHANGEABLE_COLUMNS } from './envelopeWrite.js';
import { recordColumnValues } from './queryColumnsSql.js';
import { sqliteStore, type SqliteStore } from './sqliteStore.js';

/** The row's changeable columns as stored, in `CHANGEABLE_COLUMNS` order. */
function storedColumns(store: SqliteStore, pipId: string): unknown[] {
  const row = store.database
    .prepare(`SELECT ${CHANGEABLE_COLUMNS.join(', ')} FROM pipkit_pips WHERE pip_id = ?`)
    .get(pipId) as Record<string, unknown>;
  return CHANGEABLE_COLUMNS.map((column) => row[column]);
}

/** What the columns must hold for `record`, computed afresh from it. */
function expectedColumns(record: PipRecord): unknown[] {
  return [
    record.employeeId,
    record.managerId,
    record.policyId,
    record.policyVersion,
    record.state,
    ...recordColumnValues(record),
  ];
}

/**
 * A store that checks, after every commit, that each committed PIP's columns are what its new
 * record implies: an update that skipped a column that changed would leave the old value.
 */
function checkingStore(store: SqliteStore, checked: string[]): PipStore {
  const check = async (requests: readonly CommitRequest[]) => {
    for (const request of requests) {
      const record = (await store.load(request.pipId)) as PipRecord;
      if (record.version !== request.record.version) continue; // this one was refused
      expect(storedColumns(store, request.pipId)).toEqual(expectedColumns(record));
      checked.push(`${request.pipId}@${record.version}:${record.state}`);
    }
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'commit') {
        return async (request: CommitRequest) => {
          await target.commit(request);
          await check([request]);
        };
      }
      if (property === 'commitMany') {
        return async (requests: readonly CommitRequest[]) => {
          const outcomes = await (target.commitMany as NonNullable<PipStore['commitMany']>)(
            requests,
          );
          await check(requests);
          return outcomes;
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

describe('the envelope update writes every changed column', () => {
  it('keeps each column equal to its record through a whole lifecycle (commits and sweeps)', async () => {
    const store = sqliteStore({ path: ':memory:' });
    const checked: string[] = [];
    await runReferenceLifecycle(checkingStore(store, checked));
    // Every state the lifecycle passes through was checked, the sweep's batches included.
    const states = new Set(checked.map((entry) => entry.split(':').at(-1)));
    expect([...states].sort()).toEqual([
      'active',
      'draft',
      'extended',
      'opened',
      'passed.watching',
      'paused',
      'pendingApproval',
      'review',
    ]);
    expect(checked.length).toBeGreaterThan(10);
    await store.close();
  });

  it('writes a changed manager, policy version or org unit, and changes them back', async () => {
    const store = sqliteStore({ path: ':memory:' });
    const checked: string[] = [];
    const checking = checkingStore(store, checked);
    await runReferenceLifecycle(checking);
    const [first] = await store.list({ limit: 1 });
    const record = first as PipRecord;
    const history = await store.readEvents(record.pipId);
    const last = history.at(-1);
    if (!last) throw new Error('no events');
    // A commit through the port whose envelope moves the people, the policy version and the
    // org unit (as a host's reassignment or a migration would), then one that moves them back.
    const event = { type: 'NOTE_ADDED', at: '2026-12-01T00:00:00.000Z' } as never;
    let version = record.version;
    let lastHash = record.lastHash;
    for (const [managerId, policyVersion, orgUnitId] of [
      ['someone.else', 2, 'unit-7'],
      [record.managerId, record.policyVersion, undefined],
    ] as const) {
      const seq = version + 1;
      const stored = {
        pipId: record.pipId,
        seq,
        event,
        prevHash: lastHash,
        hash: hashEvent(record.pipId, seq, event, lastHash),
      };
      const events = [stored];
      const next: PipRecord = {
        ...record,
        managerId,
        policyVersion,
        ...(orgUnitId === undefined ? {} : { orgUnitId }),
        version: stored.seq,
        lastHash: stored.hash,
      };
      if (orgUnitId === undefined) delete (next as { orgUnitId?: string }).orgUnitId;
      await checking.commit({
        pipId: record.pipId,
        expectedVersion: version,
        record: next,
        events,
        timers: { set: [], clear: [] },
        outbox: [],
      });
      expect(storedColumns(store, record.pipId).slice(0, 4)).toEqual([
        record.employeeId,
        managerId,
        record.policyId,
        policyVersion,
      ]);
      version = stored.seq;
      lastHash = stored.hash;
    }
    expect(checked.at(-1)).toBe(`${record.pipId}@${version}:${record.state}`);
    await store.close();
  });
});

describe('a host database without raw()', () => {
  /** Every row of the tables a commit writes, in a fixed order. */
  const rows = (store: SqliteStore) =>
    ['pipkit_pips', 'pipkit_events', 'pipkit_timers', 'pipkit_idempotency'].map((table) =>
      store.database.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all(),
    );

  it('commits the same rows as better-sqlite3 returning arrays', async () => {
    const native = sqliteStore({ path: ':memory:' });
    // The fixture's statements have run, get and all only: the store reads object rows.
    const hosted = sqliteStore({ database: faultyDatabase(new Database(':memory:'), {}) });
    expect('raw' in hosted.database.prepare('SELECT 1')).toBe(false);
    const checked: string[] = [];
    await runReferenceLifecycle(native);
    await runReferenceLifecycle(checkingStore(hosted, checked));
    expect(checked.length).toBeGreaterThan(10);
    const written = rows(native);
    // Previous hashes implied by the sequence (read with the envelope) are stored as NULL.
    const events = written[1] as { prev_hash: unknown }[];
    expect(events.filter((event) => event.prev_hash === null)).toHaveLength(events.length);
    expect(rows(hosted)).toEqual(written);
    await native.close();
    await hosted.close();
  });
});
