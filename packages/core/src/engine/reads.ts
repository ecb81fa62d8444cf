/**
 * Reads: listing, explaining a command without writing it, and the dry run of a migration. Every
 * read is authorized per PIP, like a write.
 */
import { mapToPolicy, type MigrationPlanEntry } from '../decide/migration.js';
import { ForbiddenError } from '../errors/pipkitError.js';
import { flattenState, isFinalState } from '../machine/snapshot.js';
import type { Actor } from '../model/actor.js';
import type { Command } from '../model/commands.js';
import { storeErrorReason } from '../errors/pipkitError.js';
import {
  isUnreadableEntry,
  LIST_LIMITS,
  type ListQuery,
  type PipRecord,
  type UnreadableListEntry,
} from '../store/pipStore.js';
import type { Explanation, ListPage } from './engineApi.js';
import { type AuthorizedPip, type EngineContext, isIssueList } from './engineContext.js';
import { decideWrite } from './execute.js';

/** PIPs matching the query that the actor may read. @internal */
export async function list(
  ctx: EngineContext,
  query: ListQuery,
  actor: Actor,
): Promise<PipRecord[]> {
  const records = await ctx.store.list(query);
  return (await readableEntries(ctx, records, actor)).pips;
}

/**
 * One page of PIPs the actor may read, the PIPs of the page the store could not read (by id and
 * code, when the actor may read them by their envelope columns), and the cursor of the next
 * page. @internal
 */
export async function listPage(
  ctx: EngineContext,
  query: ListQuery,
  actor: Actor,
): Promise<ListPage> {
  const limit = Math.min(query.limit ?? LIST_LIMITS.default, LIST_LIMITS.max);
  const entries = ctx.store.listEntries
    ? await ctx.store.listEntries(query)
    : await ctx.store.list(query);
  const { pips, unreadable } = await readableEntries(ctx, entries, actor);
  const last = entries.at(-1);
  return {
    pips,
    unreadable,
    ...(limit > 0 && entries.length >= limit && last ? { nextAfterPipId: last.pipId } : {}),
  };
}

/**
 * The entries of a page the actor may read: readable records, and unreadable rows by id and code
 * (`STORE_CORRUPT_ROW`), shown only when the actor may read them by their envelope columns;
 * `hidden` counts the rest, and those whose authorization failed (fail closed). An asynchronous
 * authorizer is asked about the page's entries concurrently; the order is kept. @internal
 */
export async function readableEntries(
  ctx: EngineContext,
  entries: Iterable<PipRecord | UnreadableListEntry>,
  actor: Actor,
): Promise<{
  pips: PipRecord[];
  unreadable: { pipId: string; code: string }[];
  hidden: number;
}> {
  const at = ctx.now();
  const listed = [...entries];
  const answers = listed.map((entry) => {
    if (!isUnreadableEntry(entry)) {
      return mayRead(ctx, entry, entry.policyId, entry.policyVersion, actor, at);
    }
    const { columns } = entry;
    const subject = {
      pipId: entry.pipId,
      employeeId: columns.employeeId,
      managerId: columns.managerId,
      state: columns.state,
      ...(columns.tenantId === undefined ? {} : { tenantId: columns.tenantId }),
    };
    return mayRead(ctx, subject, columns.policyId, columns.policyVersion, actor, at);
  });
  const allowed = answers.some((answer) => typeof answer !== 'boolean')
    ? await Promise.all(answers.map((answer) => Promise.resolve(answer)))
    : (answers as boolean[]);
  const pips: PipRecord[] = [];
  const unreadable: { pipId: string; code: string }[] = [];
  let hidden = 0;
  for (const [index, entry] of listed.entries()) {
    if (!allowed[index]) hidden++;
    else if (isUnreadableEntry(entry)) {
      unreadable.push({ pipId: entry.pipId, code: storeErrorReason(entry.error) ?? 'UNREADABLE' });
    } else pips.push(entry);
  }
  return { pips, unreadable, hidden };
}

/**
 * True when the actor may read the PIP; false too when its policy is not registered or the
 * authorizer fails for it (the read fails closed). A promise only when the authorizer answered
 * with one. @internal
 */
export function mayRead(
  ctx: EngineContext,
  subject: AuthorizedPip,
  policyId: string,
  policyVersion: number,
  actor: Actor,
  at: string,
): boolean | Promise<boolean> {
  let answer: ReturnType<EngineContext['authorize']>;
  try {
    answer = ctx.authorize(subject, ctx.policyOf(policyId, policyVersion), actor, 'READ', at);
  } catch {
    return false;
  }
  if (isIssueList(answer)) return answer.length === 0;
  return answer.then(
    (issues) => issues.length === 0,
    () => false,
  );
}

/** Whether `dispatch` would accept the command now, and every reason it would not. @internal */
export async function explain(
  ctx: EngineContext,
  pipId: string,
  command: Command,
  actor: Actor,
): Promise<Explanation> {
  const record = await ctx.loadReadable(pipId, actor);
  const decided = await decideWrite(
    ctx,
    { kind: 'command', pipId, command },
    record,
    actor,
    ctx.now(),
  );
  const issues = [...decided.forbidden, ...decided.evaluation.refused];
  const next = decided.evaluation.next;
  const accepted = issues.length === 0 && next !== undefined;
  return {
    accepted,
    state: record.state,
    ...(accepted && next ? { nextState: flattenState(next.value) } : {}),
    events: accepted ? decided.evaluation.events.map((event) => event.type) : [],
    issues,
  };
}

/** The dry run of moving every running PIP on `policyId@fromVersion` to `toVersion`. @internal */
export async function planMigration(
  ctx: EngineContext,
  input: { readonly policyId: string; readonly fromVersion: number; readonly toVersion: number },
  actor: Actor,
): Promise<MigrationPlanEntry[]> {
  const from = ctx.policyOf(input.policyId, input.fromVersion);
  const to = ctx.policyOf(input.policyId, input.toVersion);
  const now = ctx.now();
  const entries: MigrationPlanEntry[] = [];
  let afterPipId: string | undefined;
  for (;;) {
    const page = await ctx.store.list({
      limit: LIST_LIMITS.max,
      ...(afterPipId === undefined ? {} : { afterPipId }),
    });
    for (const record of page) {
      if (record.policyId !== from.id || record.policyVersion !== from.version) continue;
      if (isFinalState(record.state)) continue;
      const answer = ctx.authorize(record, from, actor, 'PLAN_MIGRATION', now);
      const denied = isIssueList(answer) ? answer : await answer;
      if (denied.length > 0) {
        throw new ForbiddenError(
          `Actor "${actor.id}" (${actor.role}) may not plan migrations.`,
          denied,
        );
      }
      const mapping = mapToPolicy(
        record.state,
        record.context,
        to,
        ctx.scheduleFor(to, record.context.employee),
        now,
      );
      entries.push({
        pipId: record.pipId,
        state: record.state,
        from: { id: from.id, version: from.version },
        to: { id: to.id, version: to.version },
        ok: mapping.problems.length === 0,
        changes: mapping.changes,
        problems: mapping.problems,
      });
    }
    if (page.length < LIST_LIMITS.max) return entries;
    afterPipId = page[page.length - 1]?.pipId;
  }
}
