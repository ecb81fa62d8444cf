/**
 * Retention: deleting a record whole once its retention date has passed and no legal hold is in
 * force (a purge), with a receipt to keep as the record of destruction.
 */
import { parseCivilDay } from '../calendar/civilDay.js';
import { CommandRefusedError, type PipkitIssue } from '../errors/pipkitError.js';
import { isFinalState } from '../machine/snapshot.js';
import type { Actor } from '../model/actor.js';
import type { Policy } from '../policy/definePolicy.js';
import type { PipRecord } from '../store/pipStore.js';
import type { PurgeReceipt } from './engineApi.js';
import { type EngineContext, storeLacks } from './engineContext.js';

/** Every reason the record may not be purged today. */
function retentionIssues(
  ctx: EngineContext,
  record: PipRecord,
  policy: Policy,
  now: string,
): PipkitIssue[] {
  const issues: PipkitIssue[] = [];
  const retainUntil = record.context.outcome?.retainUntil;
  if (!isFinalState(record.state)) {
    issues.push({
      code: 'PIP_NOT_FINAL',
      path: ['state'],
      message: `The PIP is ${record.state}: a record is kept at least until its outcome.`,
    });
  } else if (retainUntil === undefined) {
    issues.push({
      code: 'NO_RETENTION_PERIOD',
      path: ['retention'],
      message: `Policy ${policy.id}@${policy.version} sets no retention period, so the record is kept.`,
    });
  } else {
    const today = ctx.scheduleFor(policy, record.context.employee).day(now);
    const last = parseCivilDay(retainUntil);
    if (last === undefined || today <= last) {
      issues.push({
        code: 'RETENTION_NOT_OVER',
        path: ['retainUntil'],
        message: `The record is kept through ${retainUntil} in the employee's zone.`,
      });
    }
  }
  for (const matterRef of record.context.legalHolds ?? []) {
    issues.push({
      code: 'LEGAL_HOLD',
      path: ['legalHolds', matterRef],
      message: `Matter "${matterRef}" holds this record until it is released.`,
    });
  }
  return issues;
}

/** Deletes a PIP's whole record once retention allows it. @internal */
export async function purge(
  ctx: EngineContext,
  pipId: string,
  actor: Actor,
): Promise<PurgeReceipt> {
  const { store } = ctx;
  const { record, policy } = await ctx.loadAuthorized(pipId, actor, 'PURGE', 'purge');
  const now = ctx.now();
  const issues = retentionIssues(ctx, record, policy, now);
  if (issues.length > 0) {
    throw new CommandRefusedError(
      `purge refused: ${issues.map((entry) => entry.message).join(' ')}`,
      issues,
    );
  }
  if (!store.purge) throw storeLacks('purge', 'purge records');
  await store.purge(pipId, record.version);
  ctx.records.forget(pipId);
  return {
    pipId,
    employeeId: record.employeeId,
    policy: { id: record.policyId, version: record.policyVersion },
    state: record.state,
    version: record.version,
    lastHash: record.lastHash,
    retainUntil: record.context.outcome?.retainUntil as string,
    purgedAt: now,
    purgedBy: actor,
  };
}
