/**
 * Verification of one PIP: the hash chain, the replay of its events, and every row derived from
 * them. Authorization and queries read the envelope's columns (employee, manager, policy, state,
 * version) and the sweep reads the timer index, so a rewrite of any of them is a named failure,
 * not a silent change of who may act or when a deadline fires.
 */
import { canonicalJson } from '../audit/canonicalJson.js';
import { type StoredEvent, verifyHistory } from '../audit/hashChain.js';
import type { RefusalChainVerification } from '../audit/refusalChain.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import { replayEvents } from '../machine/snapshot.js';
import type { Deadline, PipContext } from '../machine/types.js';
import { isCalendarMessageType } from '../messages/catalogue.js';
import { pendingAfter } from '../messages/calendarMessages.js';
import { upcastMessage } from '../messages/legacyMessages.js';
import {
  DEADLINE_PARKED_MESSAGE,
  type OutboxMessage,
  type PipRecord,
  type PipRows,
  type StoredOutboxRow,
} from '../store/pipStore.js';
import { type PipSummary, summarize } from '../status/summary.js';
import { queryColumns } from '../query/queryColumns.js';
import type { PipState } from '../machine/pipMachine.js';
import { timerChanges } from './commitBuilder.js';
import type { PipVerification } from './engineApi.js';
import { outboxFor } from './outbox.js';

const mismatch = (code: string, path: (string | number)[], message: string): PipkitIssue => ({
  code,
  path,
  message,
});

/** What the verified events imply for the envelope's identity columns. */
function expectedColumns(context: PipContext, state: string, version: number) {
  return {
    employeeId: context.employee.id,
    managerId: context.managerId,
    policyId: context.policy.id,
    policyVersion: context.policy.version,
    state,
    version,
  };
}

/** Compares named fields; one issue per field that differs. Values are never echoed (they may be personal). */
function compareFields(
  where: 'record' | 'columns',
  expected: Readonly<Record<string, unknown>>,
  actual: Readonly<Record<string, unknown>>,
): PipkitIssue[] {
  const issues: PipkitIssue[] = [];
  for (const [field, value] of Object.entries(expected)) {
    if (actual[field] !== value) {
      issues.push(
        mismatch(
          'ENVELOPE_MISMATCH',
          [where, field],
          `The stored ${where} field "${field}" differs from what the events imply.`,
        ),
      );
    }
  }
  return issues;
}

/** The stored summary against the one the events give (a record written before summaries has none). */
function summaryIssues(
  stored: PipSummary | undefined,
  expected: PipSummary | undefined,
): PipkitIssue[] {
  if (canonicalJson(expected ?? null) === canonicalJson(stored ?? null)) return [];
  return [
    mismatch(
      'ENVELOPE_MISMATCH',
      ['record', 'summary'],
      'The stored summary (overdue deadlines, next deadline, state since) differs from what the events imply.',
    ),
  ];
}

/** The timer rows the pending deadlines imply, against the stored ones. */
function timerIssues(pipId: string, context: PipContext, rows: PipRows): PipkitIssue[] {
  const issues: PipkitIssue[] = [];
  const expected = new Map(
    timerChanges(pipId, {}, context.deadlines).set.map((timer) => [timer.timerId, timer]),
  );
  const stored = new Map(rows.timers.map((timer) => [timer.timerId, timer]));
  for (const [timerId, timer] of expected) {
    const row = stored.get(timerId);
    if (!row) {
      issues.push(
        mismatch(
          'TIMER_MISSING',
          ['timers', timerId],
          `Deadline "${timer.deadlineId}" is pending but has no timer row: it would never fire.`,
        ),
      );
    } else if (
      row.dueAt !== timer.dueAt ||
      row.kind !== timer.kind ||
      row.deadlineId !== timer.deadlineId
    ) {
      issues.push(
        mismatch(
          'TIMER_MOVED',
          ['timers', timerId],
          `The timer of deadline "${timer.deadlineId}" is due ${row.dueAt}; the events say ${timer.dueAt}.`,
        ),
      );
    }
  }
  for (const timerId of stored.keys()) {
    if (!expected.has(timerId)) {
      issues.push(
        mismatch(
          'TIMER_UNEXPECTED',
          ['timers', timerId],
          `Timer "${timerId}" matches no pending deadline.`,
        ),
      );
    }
  }
  return issues;
}

/**
 * The outbox rows each event implies, against the stored ones (delivered rows may be compacted).
 * Rows written before the message catalogue are read in its shape. Calendar messages are
 * required from the PIP's first stored one on: a PIP's earlier events were committed by a
 * release that did not write them.
 */
function outboxIssues(
  context: PipContext,
  events: readonly StoredEvent[],
  rows: PipRows,
): PipkitIssue[] {
  const issues: PipkitIssue[] = [];
  // One message list per event: ids carry the commit's version, which events do not record, so
  // messages are compared by the event (`payload.seq`) and their content.
  const expectedBySeq = new Map<number, OutboxMessage[]>();
  let pending: Readonly<Record<string, Deadline>> = {};
  for (const stored of events) {
    const messages = outboxFor(context, [stored], stored.seq, pending);
    pending = pendingAfter(pending, stored.event.deadlines);
    if (messages.length > 0) expectedBySeq.set(stored.seq, messages);
  }
  const stored = rows.outbox
    .filter((row) => row.type !== DEADLINE_PARKED_MESSAGE) // operators' notes, written by the store
    .map((row) => upcastMessage(row));
  const seqOf = (row: Pick<OutboxMessage, 'payload'>) =>
    typeof row.payload.seq === 'number' ? row.payload.seq : -1;
  const calendarSince = Math.min(
    ...stored.filter((row) => isCalendarMessageType(row.type)).map(seqOf),
  );
  const seen = new Map<number, string[]>();
  for (const row of stored) {
    const seq = seqOf(row);
    const content = canonicalJson(contentOf(row));
    const expected = expectedBySeq.get(seq)?.map((message) => canonicalJson(contentOf(message)));
    if (!expected?.includes(content)) {
      issues.push(
        mismatch(
          'OUTBOX_UNEXPECTED',
          ['outbox', row.id],
          `Outbox message "${row.id}" matches no recorded event.`,
        ),
      );
      continue;
    }
    seen.set(seq, [...(seen.get(seq) ?? []), content]);
  }
  // A message created before the store's last outbox compaction may have been delivered and
  // deleted: only the later ones must still be there.
  const compactedBefore = rows.outboxCompactedBefore;
  for (const [seq, expected] of expectedBySeq) {
    const found = seen.get(seq) ?? [];
    const required = expected.filter(
      (message) =>
        (compactedBefore === undefined || message.createdAt >= compactedBefore) &&
        (!isCalendarMessageType(message.type) || seq >= calendarSince),
    ).length;
    if (found.length < required) {
      issues.push(
        mismatch(
          'OUTBOX_MISSING',
          ['outbox', seq],
          `Event ${seq} implies ${expected.length} message(s); ${found.length} stored.`,
        ),
      );
    }
  }
  return issues;
}

function contentOf(message: Pick<StoredOutboxRow, 'pipId' | 'type' | 'payload' | 'createdAt'>) {
  return {
    pipId: message.pipId,
    type: message.type,
    payload: message.payload,
    createdAt: message.createdAt,
  };
}

/**
 * Verifies a PIP's events against its stored envelope and rows. `rows` is what the store's
 * `inspect` returned (undefined when the store has no `inspect`); `refusals` is the verified
 * refusal chain (undefined when the store keeps no refusal log). @internal
 */
export function verifyPip(
  record: PipRecord,
  events: readonly StoredEvent[],
  rows: PipRows | undefined,
  refusals?: RefusalChainVerification,
): PipVerification {
  const { pipId } = record;
  const chain = verifyHistory(events, {
    pipId,
    head: { version: record.version, lastHash: record.lastHash },
  });
  let replay: { state: string; context: PipContext } | undefined;
  try {
    replay = replayEvents(events.map((stored) => stored.event));
  } catch {
    replay = undefined;
  }
  const replayMatches =
    replay !== undefined &&
    replay.state === record.state &&
    canonicalJson(replay.context) === canonicalJson(record.context);
  const derived: PipkitIssue[] = [];
  if (replay && chain.ok) {
    const expected = expectedColumns(replay.context, replay.state, events.length);
    derived.push(...compareFields('record', expected, { ...record }));
    // A record written before summaries has none: nothing to compare, and its columns say so.
    const summary =
      record.summary === undefined ? undefined : summarize(events.map((stored) => stored.event));
    derived.push(...summaryIssues(record.summary, summary));
    if (rows) {
      derived.push(...compareFields('columns', expected, { ...rows.columns }));
      if (rows.queryColumns) {
        const state = replay.state as PipState;
        const implied = queryColumns({ state, context: replay.context, summary });
        derived.push(...compareFields('columns', { ...implied }, { ...rows.queryColumns }));
      }
      derived.push(...timerIssues(pipId, replay.context, rows));
      derived.push(...outboxIssues(replay.context, events, rows));
    }
  }
  return {
    pipId,
    chain,
    replayMatches,
    derived,
    rowsChecked: rows !== undefined,
    ...(refusals ? { refusals } : {}),
    ok: chain.ok && replayMatches && derived.length === 0 && (refusals?.ok ?? true),
  };
}
