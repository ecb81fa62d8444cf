/**
 * Traces, metrics and logs of the engine's writes (`open`, `dispatch`, `migrate`) and of
 * `explain`: one span per call with the command type, policy, states and outcome, the
 * `pipkit.commands` and `pipkit.refusals` counters and the duration histogram. Nothing personal:
 * no actor, employee or manager, no PIP id, no issue message.
 */
import type { Attributes, Span } from '@opentelemetry/api';
import { isPipkitError } from '../errors/pipkitError.js';
import { COMMAND_TYPES } from '../model/commands.js';
import { errorType, inSpan, pointAttributes, telemetryCode } from '../observability/telemetry.js';
import {
  SpanNames,
  TelemetryAttributes as A,
  type WriteOutcome,
} from '../observability/telemetryNames.js';
import type { PipRecord } from '../store/pipStore.js';
import type { DispatchResult, Explanation } from './engineApi.js';
import type { EngineContext } from './engineContext.js';

const KNOWN_TYPES: ReadonlySet<string> = new Set(COMMAND_TYPES);

/** The write kinds, as their spans are named. @internal */
export type ObservedWrite = 'open' | 'command' | 'migrate';

const SPAN_OF: Record<ObservedWrite, string> = {
  open: SpanNames.OPEN,
  command: SpanNames.DISPATCH,
  migrate: SpanNames.MIGRATE,
};

/**
 * A command's type for an attribute, read from input that may not be valid yet: a known command
 * type, or `UNKNOWN` (never a caller's string). @internal
 */
export function commandTypeOf(kind: ObservedWrite, command: unknown): string {
  if (kind === 'open') return 'OPEN';
  if (kind === 'migrate') return 'MIGRATE';
  const type = (command as { type?: unknown } | null | undefined)?.type;
  return typeof type === 'string' && KNOWN_TYPES.has(type) ? type : 'UNKNOWN';
}

/** How a thrown write ended, for `pipkit.outcome`. */
function outcomeOf(error: unknown): WriteOutcome {
  if (!isPipkitError(error)) return 'failed';
  switch (error.code) {
    case 'COMMAND_REFUSED':
      return 'refused';
    case 'FORBIDDEN':
      return 'forbidden';
    case 'VERSION_CONFLICT':
    case 'PIP_ALREADY_EXISTS':
    case 'IDEMPOTENCY_KEY_REUSED':
      return 'conflict';
    case 'INVALID_INPUT':
    case 'PIP_NOT_FOUND':
    case 'POLICY_NOT_FOUND':
    case 'INVALID_CALENDAR':
      return 'invalid';
    default:
      return 'failed';
  }
}

/** The policy and state of a record, as attributes. */
function recordAttributes(record: PipRecord, state: string): Attributes {
  return {
    [A.POLICY_ID]: record.policyId,
    [A.POLICY_VERSION]: record.policyVersion,
    [state]: record.state,
  };
}

/** Records the refusal codes of a refused or forbidden write on its span and counter. */
function refusalCodes(ctx: EngineContext, span: Span, error: unknown, type: string): void {
  if (!isPipkitError(error)) return;
  const codes = error.issues.map((issue) => telemetryCode(issue.code));
  if (span.isRecording()) span.setAttribute(A.REFUSAL_CODES, codes);
  for (const code of codes) {
    ctx.telemetry.refusals.add(
      1,
      pointAttributes(ctx.telemetry, { [A.COMMAND_TYPE]: type, [A.REFUSAL_CODE]: code }),
    );
  }
}

/**
 * Runs one write in its span and records its metrics. `run` gets `observe`, which the pipeline
 * calls with the record it decided from, for the state before. @internal
 */
export function observeWrite(
  ctx: EngineContext,
  kind: ObservedWrite,
  type: string,
  run: (observe: (record: PipRecord) => void) => Promise<DispatchResult>,
): Promise<DispatchResult> {
  const { telemetry } = ctx;
  const started = performance.now();
  const finish = (outcome: WriteOutcome) => {
    const point = pointAttributes(telemetry, { [A.COMMAND_TYPE]: type, [A.OUTCOME]: outcome });
    telemetry.commands.add(1, point);
    telemetry.dispatchDuration.record((performance.now() - started) / 1000, point);
  };
  return inSpan(
    telemetry,
    SPAN_OF[kind],
    { [A.COMMAND_TYPE]: type },
    (span) => {
      // Attributes are built only for a span that records them.
      const recording = span.isRecording();
      let before: PipRecord | undefined;
      const observe = (record: PipRecord) => {
        before = record;
      };
      return run(observe).then(
        (result) => {
          const outcome: WriteOutcome = result.replayed ? 'duplicate' : 'committed';
          if (recording) {
            span.setAttributes(recordAttributes(result.pip, A.STATE_AFTER));
            if (before) span.setAttribute(A.STATE_BEFORE, before.state);
            span.setAttribute(A.EVENT_COUNT, result.events.length);
            span.setAttribute(A.OUTCOME, outcome);
          }
          finish(outcome);
          return result;
        },
        (error: unknown) => {
          const outcome = outcomeOf(error);
          if (recording) {
            span.setAttribute(A.OUTCOME, outcome);
            if (before) span.setAttributes(recordAttributes(before, A.STATE_BEFORE));
          }
          if (outcome === 'refused' || outcome === 'forbidden') {
            refusalCodes(ctx, span, error, type);
          }
          if (outcome === 'failed') {
            const fields = {
              commandType: type,
              pipId: before?.pipId,
              code: errorType(error),
              error,
            };
            ctx.log.error('write failed', fields);
          }
          finish(outcome);
          throw error;
        },
      );
    },
    undefined,
    (error) => outcomeOf(error) === 'failed',
  );
}

/** Runs `explain` in its span: the command type, the verdict, the states and the issue codes. @internal */
export function observeExplain(
  ctx: EngineContext,
  command: unknown,
  run: () => Promise<Explanation>,
): Promise<Explanation> {
  const type = commandTypeOf('command', command);
  return inSpan(
    ctx.telemetry,
    SpanNames.EXPLAIN,
    { [A.COMMAND_TYPE]: type },
    run,
    (span, explanation) => {
      span.setAttribute(A.EXPLAIN_ACCEPTED, explanation.accepted);
      span.setAttribute(A.STATE_BEFORE, explanation.state);
      if (explanation.nextState !== undefined) {
        span.setAttribute(A.STATE_AFTER, explanation.nextState);
      }
      if (explanation.issues.length > 0) {
        span.setAttribute(
          A.REFUSAL_CODES,
          explanation.issues.map((issue) => telemetryCode(issue.code)),
        );
      }
    },
    (error) => outcomeOf(error) === 'failed',
  );
}
