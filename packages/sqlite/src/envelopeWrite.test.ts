import { hashEvent, type PipRecord, type PipStore } from '@pipkit/core';
import type { CommitRequest } from '@pipkit/core/adapter';
import { runReferenceLifecycle } from '@pipkit/core/testing';
import { describe, expect, it } from 'vitest';
import { CHANGEABLE_COLUMNS, CURRENT_ROW_COLUMNS } from './envelopeWrite.js';
import { recordColumnValues } from './queryColumnsSql.js';
import { sqliteStore, type SqliteStore } from './sqliteStore.js';

/** The row's changeable columns as stored, in `CHANGEABLE_COLUMNS` order. */
function storedColumns(store: SqliteStore, pipId: string): unknown[] {
  const row = store.database
    .prepare(`SELECT ${CURRENT_ROW_COLUMNS} FROM pipkit_pips WHERE pip_id = ?`)
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
