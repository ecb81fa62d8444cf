/**
 * A commit request as the positional arguments of version 1's `pipkit_commit`.
 * @module
 */
import type { CommitRequest } from '@pipkit/core';

/** The 28 values after the tenant that `pipkit_commit` (version 1) declares, in order. */
export function commitArgs(request: CommitRequest): unknown[] {
  const { record, idempotency } = request;
  // The last row wins when an id repeats (one statement may not upsert a row twice).
  const timers = [...new Map(request.timers.set.map((timer) => [timer.timerId, timer])).values()];
  return [
    request.pipId,
    request.expectedVersion,
    record.employeeId,
    record.managerId,
    record.state,
    record.version,
    JSON.stringify(record),
    record.updatedAt,
    request.events.map((event) => event.seq),
    request.events.map((event) => JSON.stringify(event.event)),
    request.events.map((event) => event.prevHash),
    request.events.map((event) => event.hash),
    request.timers.clear,
    timers.map((timer) => timer.timerId),
    timers.map((timer) => timer.pipId),
    timers.map((timer) => timer.deadlineId),
    timers.map((timer) => timer.kind),
    timers.map((timer) => timer.dueAt),
    request.outbox.map((message) => message.id),
    request.outbox.map((message) => message.pipId),
    request.outbox.map((message) => message.type),
    request.outbox.map((message) => JSON.stringify(message.payload)),
    request.outbox.map((message) => message.createdAt),
    idempotency?.key ?? null,
    idempotency?.pipId ?? null,
    idempotency?.requestHash ?? null,
    idempotency?.version ?? null,
    idempotency ? JSON.stringify(idempotency.seqs) : null,
  ];
}
