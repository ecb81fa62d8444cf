/**
 * Traces, metrics and logs of the timer sweep: a `pipkit.tick` span per `tick` or `tickTenants`
 * call, a `pipkit.tick.round` child per round, `pipkit.deadlines.fired` and the sweep lag by
 * deadline kind, `pipkit.deadlines.faults` by code, and a log line for every fault, every parked
 * deadline and every round that did something.
 */
import { inSpan, pointAttributes } from '../observability/telemetry.js';
import { SpanNames, TelemetryAttributes as A } from '../observability/telemetryNames.js';
import type { FiredDeadline, SweepFault } from './engineApi.js';
import type { EngineContext } from './engineContext.js';
import type { Sweeper } from './sweep.js';
import type { TenantFailure } from './tenantApi.js';

/** What a sweep's result holds, with or without tenants. */
interface SweepTotals {
  readonly fired: readonly unknown[];
  readonly skipped: readonly unknown[];
  readonly faults: readonly { readonly parked: boolean }[];
  readonly tenantFailures?: readonly TenantFailure[];
}

/** Seconds from `dueAt` to the sweep's instant `nowMs` (never below 0). */
function lagSeconds(nowMs: number, dueAt: string): number {
  return Math.max(0, (nowMs - Date.parse(dueAt)) / 1000);
}

/** Records one round's fires and faults: metrics, and a log line per fault. */
function recordRound(
  ctx: EngineContext,
  now: string,
  fired: readonly FiredDeadline[],
  faults: readonly SweepFault[],
): void {
  const { telemetry, log } = ctx;
  const nowMs = Date.parse(now);
  for (const deadline of fired) {
    const point = pointAttributes(telemetry, { [A.DEADLINE_KIND]: deadline.kind });
    telemetry.deadlinesFired.add(1, point);
    telemetry.sweepLag.record(lagSeconds(nowMs, deadline.dueAt), point);
  }
  for (const fault of faults) {
    telemetry.deadlineFaults.add(
      1,
      pointAttributes(telemetry, { [A.ERROR_TYPE]: fault.code, [A.DEADLINE_PARKED]: fault.parked }),
    );
    const { pipId, timerId, dueAt, code, attempts, parked } = fault;
    const fields = { pipId, timerId, dueAt, code, attempts, parked };
    if (parked) log.warn('deadline parked after repeated failures', fields);
    else log.warn('deadline could not fire', fields);
  }
}

/**
 * `sweeping` with each round in a `pipkit.tick.round` span, its fires and faults counted and
 * logged, and a summary line per round that did something. @internal
 */
export function observeRounds(ctx: EngineContext, now: string, sweeping: Sweeper): Sweeper {
  const taken = { fired: 0, skipped: 0, faults: 0 };
  const collect = (span: { setAttributes(attributes: Record<string, number>): unknown }) => {
    const done = sweeping.result();
    const fired = done.fired.slice(taken.fired);
    const skipped = done.skipped.length - taken.skipped;
    const faults = done.faults.slice(taken.faults);
    taken.fired = done.fired.length;
    taken.skipped = done.skipped.length;
    taken.faults = done.faults.length;
    const parked = faults.filter((fault) => fault.parked).length;
    recordRound(ctx, now, fired, faults);
    const counts = {
      [A.TICK_FIRED]: fired.length,
      [A.TICK_SKIPPED]: skipped,
      [A.TICK_FAULTS]: faults.length,
      [A.TICK_PARKED]: parked,
    };
    span.setAttributes(counts);
    if (fired.length + skipped + faults.length > 0) {
      ctx.log.info('sweep round', {
        now,
        fired: fired.length,
        skipped,
        faults: faults.length,
        parked,
      });
    }
  };
  return {
    result: () => sweeping.result(),
    next: () =>
      inSpan(ctx.telemetry, SpanNames.TICK_ROUND, {}, async (span) => {
        try {
          return await sweeping.next();
        } finally {
          collect(span);
        }
      }),
  };
}

/** Runs a whole sweep (`tick` or `tickTenants`) in a `pipkit.tick` span with its totals. @internal */
export function observeTick<R extends SweepTotals>(
  ctx: EngineContext,
  run: () => Promise<R>,
): Promise<R> {
  return inSpan(ctx.telemetry, SpanNames.TICK, {}, (span) =>
    run().then((result) => {
      span.setAttributes({
        [A.TICK_FIRED]: result.fired.length,
        [A.TICK_SKIPPED]: result.skipped.length,
        [A.TICK_FAULTS]: result.faults.length,
        [A.TICK_PARKED]: result.faults.filter((fault) => fault.parked).length,
      });
      const failures = result.tenantFailures;
      if (failures === undefined) return result;
      span.setAttribute(A.TENANT_FAILURES, failures.length);
      for (const failure of failures) {
        const tenant = ctx.telemetry.tenantIds ? { tenantId: failure.tenantId } : {};
        const fields = { ...tenant, code: failure.code, error: failure.error };
        ctx.log.error('tenant sweep failed', fields);
      }
      return result;
    }),
  );
}
