/**
 * Traces and metrics through `@opentelemetry/api` only: pipkit never depends on an SDK. Without a
 * host SDK the API's global providers are no-ops, so an engine that nobody observes pays for a
 * few calls into empty objects. The host registers its SDK (or passes a tracer and a meter) and
 * every span and metric below appears, with attributes that carry no personal data.
 */
import {
  type Attributes,
  type Context,
  context,
  type Counter,
  type Histogram,
  type Meter,
  metrics,
  type Span,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import corePackage from '../../package.json' with { type: 'json' };
import { isPipkitError, storeErrorReason } from '../errors/pipkitError.js';
import { MetricNames, TelemetryAttributes } from './telemetryNames.js';

/** The instrumentation scope pipkit's tracer and meter are named after. */
export const INSTRUMENTATION_SCOPE = '@pipkit/core';

/** How an engine reports traces and metrics (the engine's `telemetry` option). */
export interface TelemetryOptions {
  /**
   * Where spans go. Defaults to `trace.getTracer('@pipkit/core', version)` from the global API:
   * a no-op until the host registers an SDK (and live from then on, even for engines built before).
   */
  readonly tracer?: Tracer;
  /**
   * Where metrics go. Defaults to `metrics.getMeter('@pipkit/core', version)` from the global
   * API, read when the engine is built: register the host's meter provider first.
   */
  readonly meter?: Meter;
  /**
   * Adds the store's tenant id (`pipkit.tenant.id`) to spans and metric points, and `tenantId` to
   * log lines (default false: a tenant id may be a company's name).
   */
  readonly recordTenantId?: boolean;
}

/** The instruments and the tracer an engine reports through. @internal */
export interface Telemetry {
  readonly tracer: Tracer;
  /** Attributes every span and metric point of this engine carries: the tenant, when opted in. */
  readonly common: Attributes | undefined;
  /** True when the host opted in to tenant ids in telemetry and logs. */
  readonly tenantIds: boolean;
  readonly commands: Counter;
  readonly refusals: Counter;
  readonly dispatchDuration: Histogram;
  readonly deadlinesFired: Counter;
  readonly deadlineFaults: Counter;
  readonly sweepLag: Histogram;
  readonly messagesDelivered: Counter;
  readonly messagesDeadLettered: Counter;
}

// Seconds. Dispatch: from a cached in-memory write (tens of microseconds) to a slow database.
const DURATION_BOUNDARIES = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
// Seconds. Sweep lag: a worker polling every few seconds, up to an engine that was down for days.
const LAG_BOUNDARIES = [1, 5, 15, 30, 60, 300, 900, 3600, 21_600, 86_400, 604_800];

/** Builds an engine's telemetry from its options. @internal */
export function createTelemetry(
  options: TelemetryOptions | undefined,
  tenantId: string | undefined,
): Telemetry {
  const version = corePackage.version;
  const tracer = options?.tracer ?? trace.getTracer(INSTRUMENTATION_SCOPE, version);
  const meter = options?.meter ?? metrics.getMeter(INSTRUMENTATION_SCOPE, version);
  const common =
    options?.recordTenantId === true && tenantId !== undefined
      ? { [TelemetryAttributes.TENANT_ID]: tenantId }
      : undefined;
  const counter = (name: string, unit: string, description: string) =>
    meter.createCounter(name, { unit, description });
  return {
    tracer,
    common,
    tenantIds: options?.recordTenantId === true,
    commands: counter(MetricNames.COMMANDS, '{command}', 'Writes, by command type and outcome.'),
    refusals: counter(MetricNames.REFUSALS, '{refusal}', 'Issue codes of refused writes.'),
    dispatchDuration: meter.createHistogram(MetricNames.DISPATCH_DURATION, {
      unit: 's',
      description: 'Duration of open, dispatch and migrate.',
      advice: { explicitBucketBoundaries: DURATION_BOUNDARIES },
    }),
    deadlinesFired: counter(MetricNames.DEADLINES_FIRED, '{deadline}', 'Deadlines fired, by kind.'),
    deadlineFaults: counter(
      MetricNames.DEADLINE_FAULTS,
      '{fault}',
      'Deadline fires that failed for a reason other than a refusal, by code.',
    ),
    sweepLag: meter.createHistogram(MetricNames.SWEEP_LAG, {
      unit: 's',
      description: 'The sweep instant minus the due instant of each fired deadline.',
      advice: { explicitBucketBoundaries: LAG_BOUNDARIES },
    }),
    messagesDelivered: counter(
      MetricNames.MESSAGES_DELIVERED,
      '{message}',
      'Outbox messages delivered.',
    ),
    messagesDeadLettered: counter(
      MetricNames.MESSAGES_DEAD_LETTERED,
      '{message}',
      'Outbox messages dead-lettered.',
    ),
  };
}

const CODE_SHAPE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * A code fit for an attribute: codes are upper-case constants (`DOCUMENT_MISSING`); anything else
 * an authorizer or handler made up is `OTHER`, so no free text reaches a span. @internal
 */
export function telemetryCode(code: unknown): string {
  return typeof code === 'string' && CODE_SHAPE.test(code) ? code : 'OTHER';
}

/**
 * A failure's stable code for `error.type`: the store's reason (`STORE_BUSY`), the pipkit error
 * code, a `code` the error carries (a delivery failure's), or `UNEXPECTED_ERROR`. Never the
 * message: pipkit's messages quote ids. @internal
 */
export function errorType(error: unknown): string {
  const reason = storeErrorReason(error);
  if (reason !== undefined) return reason;
  if (isPipkitError(error)) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CODE_SHAPE.test(code) ? code : 'UNEXPECTED_ERROR';
}

/** `attributes` with the engine's common ones, for a metric point. @internal */
export function pointAttributes(telemetry: Telemetry, attributes: Attributes): Attributes {
  return telemetry.common ? { ...attributes, ...telemetry.common } : attributes;
}

/** Marks a span failed with the error's code: status and `error.type`, never the message. @internal */
export function failSpan(span: Span, error: unknown): string {
  const type = errorType(error);
  span.setAttribute(TelemetryAttributes.ERROR_TYPE, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  return type;
}

/**
 * Runs `work` inside a span named `name`, a child of the active span: the span is active while
 * the work runs (so store calls nest under it) and ended when it settles. `settled` adds
 * attributes from the result, to a recording span only: anything else the result must feed
 * (metrics, logs) belongs in the work. A throw sets `error.type` to the error's code; it sets the span's
 * status to error only when `fails` says the error is a failure (default: every error), so a
 * refused command, which is an answer and not a fault, leaves the status unset.
 *
 * A span that does not record (the API's no-op, or one the host's sampler dropped) is ended at
 * once and the work runs as it is, outside any new context: an engine nobody traces pays for one
 * `startSpan` and no more. @internal
 */
export function inSpan<T>(
  telemetry: Telemetry,
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  settled?: (span: Span, result: T) => void,
  fails?: (error: unknown) => boolean,
): Promise<T> {
  const parent: Context = context.active();
  const span = telemetry.tracer.startSpan(name, { attributes }, parent);
  if (!span.isRecording()) {
    span.end();
    return work(span);
  }
  if (telemetry.common) span.setAttributes(telemetry.common);
  const failed = (error: unknown) => {
    if (fails === undefined || fails(error)) failSpan(span, error);
    else span.setAttribute(TelemetryAttributes.ERROR_TYPE, errorType(error));
    span.end();
  };
  let running: Promise<T>;
  try {
    running = context.with(trace.setSpan(parent, span), work, undefined, span);
  } catch (error) {
    failed(error);
    throw error;
  }
  return running.then(
    (result) => {
      settled?.(span, result);
      span.end();
      return result;
    },
    (error: unknown) => {
      failed(error);
      throw error;
    },
  );
}
