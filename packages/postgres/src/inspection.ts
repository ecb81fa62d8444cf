/**
 * The optional port members `inspect` and `recordTimerFault` on PostgreSQL.
 * @module
 */
import {
  type OutboxMessage,
  parkedMessage,
  type PipRows,
  type QueryColumns,
  type StoredOutboxRow,
  type StoredTimerRow,
  type TimerFault,
  type TimerFaultOutcome,
  type TimerRow,
} from '@pipkit/core/adapter';
import type { StoreConnection } from './connection.js';
import { corruptOr, parseStored } from './storeErrors.js';

/** What `pipkit_inspect` returns, parsed. */
interface InspectDocument {
  tenant_id: string;
  employee_id: string;
  manager_id: string;
  policy_id: string | null;
  policy_version: number | null;
  state: string;
  version: number;
  /** The query columns as stored (version 7 on). */
  query: Record<string, string | number | null>;
  timers: {
    timer_id: string;
    pip_id: string;
    deadline_id: string;
    kind: TimerRow['kind'];
    due_at: string;
    attempts: number;
    parked_code: string | null;
  }[];
  outbox: {
    id: string;
    pip_id: string;
    type: string;
    payload: string;
    created_at: string;
    delivered: boolean;
  }[];
}

/** What `pipkit_count_timer_fault` returns, parsed. */
interface FaultCount {
  attempts: number;
  parked: boolean;
  pip_id: string;
  deadline_id: string;
  kind: TimerRow['kind'];
  due_at: string;
}

/** The query columns of `pipkit_inspect`'s document, under core's names, as stored. */
function queryColumnsOf(stored: Record<string, string | number | null>): QueryColumns {
  const text = (column: string) => stored[column] as string | null;
  const whole = (column: string) => stored[column] as number;
  return {
    orgUnitId: text('org_unit_id'),
    issuedAt: text('issued_at'),
    issuedOn: text('issued_on'),
    stateSince: text('state_since'),
    nextDueAt: text('next_due_at'),
    nextKind: text('next_kind'),
    overdueSince: text('overdue_since'),
    overdueKind: text('overdue_kind'),
    outcomeStatus: text('outcome_status'),
    outcomeReason: text('outcome_reason'),
    outcomeAt: text('outcome_at'),
    outcomeOn: text('outcome_on'),
    planStart: text('plan_start'),
    planEnd: text('plan_end'),
    extensions: whole('extensions'),
    pausedDays: whole('paused_days'),
  };
}

/** The store's `inspect` and `recordTimerFault`. */
export interface Inspection {
  /** The port's `inspect`. */
  readonly inspect: (pipId: string) => Promise<PipRows | undefined>;
  /** The port's `recordTimerFault`. */
  readonly recordTimerFault: (
    fault: TimerFault,
    options: { readonly parkAfter: number },
  ) => Promise<TimerFaultOutcome>;
}

/** `inspect` and `recordTimerFault` on one connection, for one tenant. */
export function createInspection(connection: StoreConnection, tenantId: string): Inspection {
  const inspect = async (pipId: string): Promise<PipRows | undefined> => {
    let rows: unknown[];
    try {
      rows = await connection.call('inspect', [pipId], 'inspecting a PIP');
    } catch (error) {
      throw corruptOr(error, pipId, 'pipkit_pips');
    }
    const text = (rows[0] as { document: string } | undefined)?.document;
    if (text === undefined) return undefined;
    const found = JSON.parse(text) as InspectDocument;
    return {
      // As the columns hold them, not from the record JSON: verify compares the two. A policy
      // column migration 3 could not fill from an unreadable record reads as empty.
      columns: {
        employeeId: found.employee_id,
        managerId: found.manager_id,
        policyId: found.policy_id ?? '',
        policyVersion: found.policy_version ?? 0,
        state: found.state,
        version: found.version,
        tenantId: found.tenant_id,
      },
      queryColumns: queryColumnsOf(found.query),
      timers: found.timers.map((timer): StoredTimerRow => ({
        timerId: timer.timer_id,
        pipId: timer.pip_id,
        deadlineId: timer.deadline_id,
        kind: timer.kind,
        dueAt: timer.due_at,
        attempts: timer.attempts,
        ...(timer.parked_code === null ? {} : { parkedCode: timer.parked_code }),
      })),
      outbox: found.outbox.map((message): StoredOutboxRow => ({
        id: message.id,
        pipId: message.pip_id,
        type: message.type,
        payload: parseStored<OutboxMessage['payload']>(message.payload, pipId, 'pipkit_outbox'),
        createdAt: message.created_at,
        delivered: message.delivered,
      })),
      ...(await compactedBefore()),
    };
  };

  /** The outbox compaction's latest cutoff for the tenant, when one ran (migration 8). */
  const compactedBefore = async (): Promise<{ outboxCompactedBefore?: string }> => {
    const rows = (await connection.call(
      'outbox_compacted_before',
      [],
      'inspecting the outbox compaction',
    )) as { delivered_before: string }[];
    const cutoff = rows[0]?.delivered_before;
    return cutoff === undefined ? {} : { outboxCompactedBefore: cutoff };
  };

  const recordTimerFault = (
    fault: TimerFault,
    options: { readonly parkAfter: number },
  ): Promise<TimerFaultOutcome> =>
    connection.transaction(async (db) => {
      const { rows } = await db.query(
        `SELECT ${connection.fn('count_timer_fault')}($1, $2, $3, $4, $5) AS count`,
        [tenantId, fault.timerId, fault.dueAt, fault.code, options.parkAfter],
      );
      const text = (rows[0] as { count: string | null }).count;
      if (text === null) return { attempts: 0, parked: false };
      const count = JSON.parse(text) as FaultCount;
      if (count.parked) {
        const timer: TimerRow = {
          timerId: fault.timerId,
          pipId: count.pip_id,
          deadlineId: count.deadline_id,
          kind: count.kind,
          dueAt: count.due_at,
        };
        // The operators' message exactly as every store writes it, in the same transaction.
        const message = parkedMessage(timer, fault, count.attempts);
        await db.query(`SELECT ${connection.fn('write_outbox')}($1, $2::jsonb)`, [
          tenantId,
          JSON.stringify({
            id: message.id,
            pip_id: message.pipId,
            type: message.type,
            payload: JSON.stringify(message.payload),
            created_at: message.createdAt,
          }),
        ]);
      }
      return { attempts: count.attempts, parked: count.parked };
    }, 'recording a timer fault');

  return { inspect, recordTimerFault };
}
