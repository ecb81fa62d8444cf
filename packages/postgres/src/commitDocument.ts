/**
 * A commit request as the one jsonb document `pipkit_commit` reads (schema version 2 on).
 * @module
 */
import {
  type CommitRequest,
  type PipRecord,
  queryColumns,
  storedEventBody,
} from '@pipkit/core/adapter';

/**
 * The request as `pipkit_commit`'s jsonb document, as JSON text. Snake-case keys, read with
 * `->>` and `jsonb_to_recordset`. The record, each event, each payload and the idempotency seqs
 * are JSON text inside JSON strings, so they are stored byte-exact: jsonb would reorder an
 * object's keys (PostgreSQL docs, "8.14. JSON Types"). When a timer id repeats, the last row
 * wins (one statement may not upsert a row twice).
 */
export function commitDocument(request: CommitRequest): string {
  const { record, idempotency } = request;
  const timers = [...new Map(request.timers.set.map((timer) => [timer.timerId, timer])).values()];
  return JSON.stringify({
    pip_id: request.pipId,
    expected: request.expectedVersion,
    employee_id: record.employeeId,
    manager_id: record.managerId,
    policy_id: record.policyId,
    policy_version: record.policyVersion,
    state: record.state,
    version: record.version,
    record: JSON.stringify(record),
    updated_at: record.updatedAt,
    query: queryDocument(record),
    events: request.events.map((event) => {
      // Compressed (migration 10): base64 inside the jsonb document, bytes in the table; a short
      // event as its text in `event` (core's `storedEventBody`), which the function has always
      // taken, so no migration is needed.
      const body = storedEventBody(JSON.stringify(event.event));
      return {
        seq: event.seq,
        ...(typeof body === 'string'
          ? { event: body }
          : { event_deflated: body.toString('base64') }),
        prev_hash: event.prevHash,
        hash: event.hash,
      };
    }),
    clear: request.timers.clear,
    timers: timers.map((timer) => ({
      timer_id: timer.timerId,
      pip_id: timer.pipId,
      deadline_id: timer.deadlineId,
      kind: timer.kind,
      due_at: timer.dueAt,
    })),
    outbox: request.outbox.map((message) => ({
      id: message.id,
      pip_id: message.pipId,
      type: message.type,
      payload: JSON.stringify(message.payload),
      created_at: message.createdAt,
    })),
    idempotency: idempotency
      ? {
          key: idempotency.key,
          pip_id: idempotency.pipId,
          request_hash: idempotency.requestHash,
          version: idempotency.version,
          seqs: JSON.stringify(idempotency.seqs),
        }
      : null,
  });
}

/**
 * The query columns of a record as `pipkit_commit` (version 7 on) and the backfill write them:
 * core's `queryColumns`, plus the record's `createdAt`, under the columns' snake_case names.
 */
export function queryDocument(record: PipRecord): Record<string, string | number | null> {
  const columns = queryColumns(record);
  return {
    created_at: record.createdAt,
    org_unit_id: columns.orgUnitId,
    issued_at: columns.issuedAt,
    issued_on: columns.issuedOn,
    state_since: columns.stateSince,
    next_due_at: columns.nextDueAt,
    next_kind: columns.nextKind,
    overdue_since: columns.overdueSince,
    overdue_kind: columns.overdueKind,
    outcome_status: columns.outcomeStatus,
    outcome_reason: columns.outcomeReason,
    outcome_at: columns.outcomeAt,
    outcome_on: columns.outcomeOn,
    plan_start: columns.planStart,
    plan_end: columns.planEnd,
    extensions: columns.extensions,
    paused_days: columns.pausedDays,
  };
}

/**
 * True when the document holds a NUL character in one of its plain strings (an id, a state):
 * jsonb refuses `\u0000` (docs, "8.14. JSON Types"), and PostgreSQL text cannot hold it. Such a
 * request is refused on its own rather than sinking a whole batch. A `\u0000` inside the record
 * or an event is fine: there it is escaped text inside a string (`\\u0000`).
 */
export function holdsNul(document: string): boolean {
  // Most documents hold no `\u0000` at all: one plain search, the pattern only when needed.
  return document.includes('\\u0000') && /(?<!\\)(?:\\\\)*\\u0000/.test(document);
}
