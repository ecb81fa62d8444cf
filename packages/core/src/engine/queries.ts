/**
 * The read side: queries with filters, orders and keyset pages, counts, reports, and what became
 * of each deadline of a PIP. The actor's read scope goes into the store's query, so pages and
 * counts are right; every PIP returned is still checked with the authorizer.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonicalJson.js';
import { ValidationError } from '../errors/pipkitError.js';
import type { Actor } from '../model/actor.js';
import {
  normalizeFilter,
  pipFilterSchema,
  type PipFilter,
  pipQuerySchema,
  type PipQuery,
  QUERY_LIMITS,
} from '../query/pipFilter.js';
import { type Report, type ReportRequest, reportRequestSchema } from '../query/reports.js';
import type { QueryPosition } from '../query/storeQuery.js';
import { type DeadlineStatus, deadlineStatuses } from '../status/deadlineStatus.js';
import { parseInput } from '../errors/zodIssues.js';
import type { QueryPage } from './engineApi.js';
import { type EngineContext, storeLacks } from './engineContext.js';
import { readableEntries } from './reads.js';

/** The fingerprint a cursor carries: the same filters and order, or the cursor is refused. */
function fingerprint(filter: unknown, sort: string): string {
  return createHash('sha256')
    .update(canonicalJson({ filter, sort }))
    .digest('base64url')
    .slice(0, 22);
}

/** Encodes where a page ended, bound to its query. */
function encodeCursor(query: string, position: QueryPosition): string {
  return Buffer.from(JSON.stringify([1, query, position.key, position.pipId])).toString(
    'base64url',
  );
}

/** Decodes a cursor of the same query, or throws `INVALID_INPUT` naming `cursor`. */
function decodeCursor(cursor: string, query: string): QueryPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const [version, of, key, pipId] = Array.isArray(parsed) ? (parsed as unknown[]) : [];
  if (
    version !== 1 ||
    typeof of !== 'string' ||
    (key !== null && typeof key !== 'string') ||
    typeof pipId !== 'string'
  ) {
    throw cursorError('CURSOR_MALFORMED', 'The cursor is not one pipkit gave.');
  }
  if (of !== query) {
    throw cursorError(
      'CURSOR_OF_ANOTHER_QUERY',
      'The cursor belongs to a query with other filters or another order; start again without it.',
    );
  }
  return { key: key, pipId };
}

function cursorError(code: string, message: string): ValidationError {
  return new ValidationError(`Invalid query: cursor: ${message}`, [
    { code, path: ['cursor'], message },
  ]);
}

/** One page of a query: the PIPs the actor may read, in the query's order. @internal */
export async function query(ctx: EngineContext, raw: PipQuery, actor: Actor): Promise<QueryPage> {
  const {
    sort = 'pipId',
    limit = QUERY_LIMITS.default,
    cursor,
    ...rest
  } = parseInput(pipQuerySchema, raw, 'query');
  if (!ctx.store.queryPips) throw storeLacks('queryPips', 'run queries');
  const filter = normalizeFilter(rest);
  // The fingerprint is needed only to read a cursor or to write the next one.
  let of: string | undefined;
  const fingerprinted = () => (of ??= fingerprint(filter, sort));
  const after = cursor === undefined ? undefined : decodeCursor(cursor, fingerprinted());
  const scope = await ctx.readScopeOf(actor);
  const entries = await ctx.store.queryPips({
    filter,
    scope,
    sort,
    limit,
    ...(after ? { after } : {}),
  });
  const { pips, unreadable, hidden } = await readableEntries(
    ctx,
    entries.map(({ entry }) => entry),
    actor,
  );
  const last = entries[entries.length - 1];
  return {
    pips,
    unreadable,
    hidden,
    ...(entries.length === limit && last
      ? { next: encodeCursor(fingerprinted(), last.position) }
      : {}),
  };
}

/** How many PIPs within the actor's scope match the filters. @internal */
export async function count(ctx: EngineContext, raw: PipFilter, actor: Actor): Promise<number> {
  const filter = normalizeFilter(parseInput(pipFilterSchema, raw, 'filter'));
  if (!ctx.store.countPips) throw storeLacks('countPips', 'count PIPs');
  return ctx.store.countPips({ filter, scope: await ctx.readScopeOf(actor) });
}

/** A report over the PIPs within the actor's scope that match its filters. @internal */
export async function report(
  ctx: EngineContext,
  raw: ReportRequest,
  actor: Actor,
): Promise<Report> {
  const request = parseInput(reportRequestSchema, raw, 'report');
  if (!ctx.store.reportPips) throw storeLacks('reportPips', 'run reports');
  const filter = normalizeFilter(request.filter ?? {});
  const rows = await ctx.store.reportPips({
    report: request,
    filter,
    scope: await ctx.readScopeOf(actor),
  });
  return { name: request.name, rows };
}

/** Every deadline the PIP has had and what became of it, from its events. @internal */
export async function deadlinesOf(
  ctx: EngineContext,
  pipId: string,
  actor: Actor,
): Promise<DeadlineStatus[]> {
  await ctx.loadReadable(pipId, actor);
  const events = await ctx.store.readEvents(pipId);
  return deadlineStatuses(events.map((stored) => stored.event));
}
