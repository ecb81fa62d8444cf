/**
 * The engine's traces and metrics, read back through the OpenTelemetry SDK's in-memory
 * exporters: the spans of dispatch, explain, tick and relay with the store calls nested under
 * them, the counters and histograms, and an allow-list that no attribute key may leave.
 */
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../model/actor.js';
import { MetricNames, TELEMETRY_ATTRIBUTE_KEYS } from '../observability/telemetryNames.js';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import { memoryStore } from '../store/memoryStore.js';
import { createTestClock } from '../testing/testClock.js';
import { createEngine } from './createEngine.js';
import { LATER, runObservedLifecycle } from './__fixtures__/observedLifecycle.js';

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  context.disable();
  trace.disable();
  metrics.disable();
});

/** A tracer and a meter writing to in-memory exporters. */
function observed() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // The interval never elapses in a test: points are read with forceFlush.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const points = async (name: string): Promise<DataPoint<unknown>[]> => {
    await reader.forceFlush();
    const found = exporter
      .getMetrics()
      .at(-1)
      ?.scopeMetrics.flatMap((scope) => scope.metrics)
      .find((metric) => metric.descriptor.name === name);
    return found?.dataPoints ?? [];
  };
  const allPoints = async () => {
    await reader.forceFlush();
    return (exporter.getMetrics().at(-1)?.scopeMetrics ?? []).flatMap((scope) => scope.metrics);
  };
  return {
    telemetry: { tracer: tracerProvider.getTracer('test'), meter: meterProvider.getMeter('test') },
    finished: () => spans.getFinishedSpans(),
    points,
    allPoints,
    shutdown: () => Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]),
  };
}

const named = (spans: readonly ReadableSpan[], name: string) =>
  spans.filter((span) => span.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const sumOf = (points: DataPoint<unknown>[], match: Record<string, unknown>) =>
  points
    .filter((point) =>
      Object.entries(match).every(([key, value]) => point.attributes[key] === value),
    )
    .reduce((total, point) => total + (point.value as number), 0);

describe('engine traces', () => {
  it('traces each dispatch with its command, policy, states and outcome, and nests its store calls', async () => {
    const seen = observed();
    await runObservedLifecycle({ telemetry: seen.telemetry });
    const spans = seen.finished();
    const dispatches = named(spans, 'pipkit.dispatch');
    const approved = dispatches.find(
      (span) =>
        span.attributes['pipkit.command.type'] === 'APPROVE' &&
        span.attributes['pipkit.outcome'] === 'committed',
    );
    expect(approved?.attributes['pipkit.events.count']).toBeGreaterThan(0);
    expect({ ...approved?.attributes, 'pipkit.events.count': 0 }).toEqual({
      'pipkit.command.type': 'APPROVE',
      'pipkit.policy.id': defaultPolicy.id,
      'pipkit.policy.version': defaultPolicy.version,
      'pipkit.state.before': 'pendingApproval',
      'pipkit.state.after': 'opened',
      'pipkit.events.count': 0,
      'pipkit.outcome': 'committed',
    });
    const storeCalls = spans.filter((span) => parentOf(span) === approved?.spanContext().spanId);
    expect(storeCalls.map((span) => span.name)).toEqual(
      expect.arrayContaining(['pipkit.store.load', 'pipkit.store.commit']),
    );
    expect(named(spans, 'pipkit.open')[0]?.attributes).toMatchObject({
      'pipkit.command.type': 'OPEN',
      'pipkit.state.after': 'draft',
      'pipkit.outcome': 'committed',
    });
    await seen.shutdown();
  });

  it('records refusals with their codes and no error status, and a store failure as an error with its code', async () => {
    const seen = observed();
    await runObservedLifecycle({ telemetry: seen.telemetry });
    const dispatches = named(seen.finished(), 'pipkit.dispatch');
    const byOutcome = (outcome: string) =>
      dispatches.filter((span) => span.attributes['pipkit.outcome'] === outcome);
    const [forbidden] = byOutcome('forbidden');
    expect(forbidden?.attributes['pipkit.refusal.codes']).toEqual(expect.any(Array));
    expect(forbidden?.status.code).toBe(0);
    const [refused] = byOutcome('refused');
    expect(refused?.attributes).toMatchObject({
      'pipkit.command.type': 'ACKNOWLEDGE',
      'pipkit.state.before': 'opened',
      'error.type': 'COMMAND_REFUSED',
    });
    expect(refused?.status.code).toBe(0);
    expect(byOutcome('conflict')[0]?.attributes['error.type']).toBe('VERSION_CONFLICT');
    expect(byOutcome('invalid')[0]?.attributes['pipkit.command.type']).toBe('UNKNOWN');
    expect(byOutcome('duplicate')).toHaveLength(1);
    const [failed] = byOutcome('failed');
    expect(failed?.status).toEqual({ code: 2, message: 'UNEXPECTED_ERROR' });
    expect(failed?.attributes['error.type']).toBe('UNEXPECTED_ERROR');
    expect(failed?.events).toEqual([]);
    const [explained] = named(seen.finished(), 'pipkit.explain');
    expect(explained?.attributes).toMatchObject({
      'pipkit.command.type': 'ACKNOWLEDGE',
      'pipkit.explain.accepted': false,
      'pipkit.state.before': 'opened',
    });
    await seen.shutdown();
  });

  it('traces a tick with a child span per round and a relay round with its counts', async () => {
    const seen = observed();
    const run = await runObservedLifecycle({ telemetry: seen.telemetry });
    const spans = seen.finished();
    const [tick] = named(spans, 'pipkit.tick');
    expect(tick?.attributes).toEqual({
      'pipkit.tick.fired': run.swept.fired.length,
      'pipkit.tick.skipped': run.swept.skipped.length,
      'pipkit.tick.faults': 1,
      'pipkit.tick.parked': 1,
    });
    const rounds = named(spans, 'pipkit.tick.round');
    expect(rounds.length).toBeGreaterThan(0);
    for (const round of rounds) expect(parentOf(round)).toBe(tick?.spanContext().spanId);
    const [relay] = named(spans, 'pipkit.relay');
    expect(relay?.attributes).toEqual({
      'pipkit.relay.delivered': run.relayed.delivered.length,
      'pipkit.relay.failed': run.relayed.failed.length,
      'pipkit.relay.dead_lettered': run.relayed.deadLettered.length,
    });
    expect(run.relayed.deadLettered.length).toBeGreaterThan(0);
    await seen.shutdown();
  });

  it('sets no attribute outside the allow-list and no personal value, on any span or metric point', async () => {
    const seen = observed();
    const run = await runObservedLifecycle({ telemetry: seen.telemetry });
    const spans = seen.finished();
    expect(spans.length).toBeGreaterThan(40);
    const keys = new Set(spans.flatMap((span) => Object.keys(span.attributes)));
    for (const metric of await seen.allPoints()) {
      for (const point of metric.dataPoints) {
        for (const key of Object.keys(point.attributes)) keys.add(key);
      }
    }
    expect([...keys].filter((key) => !TELEMETRY_ATTRIBUTE_KEYS.has(key))).toEqual([]);
    const text = JSON.stringify(spans.map((span) => [span.name, span.attributes, span.status]));
    const pointsText = JSON.stringify(await seen.allPoints());
    for (const value of [...run.personal, run.pipId, run.brokenPipId]) {
      expect(text).not.toContain(value);
      expect(pointsText).not.toContain(value);
    }
    expect(new Set(spans.map((span) => span.name.split('.').slice(0, 2).join('.')))).toEqual(
      new Set([
        'pipkit.open',
        'pipkit.dispatch',
        'pipkit.explain',
        'pipkit.tick',
        'pipkit.relay',
        'pipkit.store',
      ]),
    );
    await seen.shutdown();
  });
});

describe('engine metrics', () => {
  it('counts commands by type and outcome, refusals by code, and times each write', async () => {
    const seen = observed();
    await runObservedLifecycle({ telemetry: seen.telemetry });
    const commands = await seen.points(MetricNames.COMMANDS);
    expect(sumOf(commands, { 'pipkit.command.type': 'OPEN', 'pipkit.outcome': 'committed' })).toBe(
      2,
    );
    for (const outcome of ['forbidden', 'refused', 'conflict', 'invalid', 'duplicate', 'failed']) {
      expect(sumOf(commands, { 'pipkit.outcome': outcome })).toBe(1);
    }
    const refusals = await seen.points(MetricNames.REFUSALS);
    expect(refusals.length).toBeGreaterThan(0);
    expect(sumOf(refusals, { 'pipkit.command.type': 'ACKNOWLEDGE' })).toBeGreaterThan(0);
    const durations = await seen.points(MetricNames.DISPATCH_DURATION);
    const total = durations.reduce((count, point) => count + (point.value as Histogram).count, 0);
    expect(total).toBe(sumOf(commands, {}));
    await seen.shutdown();
  });

  it('counts fired deadlines by kind with their lag in seconds, faults, deliveries and dead letters', async () => {
    const seen = observed();
    const run = await runObservedLifecycle({ telemetry: seen.telemetry });
    const fired = await seen.points(MetricNames.DEADLINES_FIRED);
    expect(sumOf(fired, {})).toBe(run.swept.fired.length);
    const lag = await seen.points(MetricNames.SWEEP_LAG);
    const expectedLag = run.swept.fired.reduce(
      (total, deadline) => total + (Date.parse(LATER) - Date.parse(deadline.dueAt)) / 1000,
      0,
    );
    const recorded = lag.reduce((total, point) => total + ((point.value as Histogram).sum ?? 0), 0);
    expect(recorded).toBeCloseTo(expectedLag, 6);
    expect(lag.every((point) => typeof point.attributes['pipkit.deadline.kind'] === 'string')).toBe(
      true,
    );
    const faults = await seen.points(MetricNames.DEADLINE_FAULTS);
    expect(faults.map((point) => [point.attributes, point.value])).toEqual([
      [{ 'error.type': 'STORE_CORRUPT_ROW', 'pipkit.deadline.parked': true }, 1],
    ]);
    const delivered = await seen.points(MetricNames.MESSAGES_DELIVERED);
    expect(sumOf(delivered, {})).toBe(run.relayed.delivered.length);
    const dead = await seen.points(MetricNames.MESSAGES_DEAD_LETTERED);
    expect(sumOf(dead, {})).toBe(run.relayed.deadLettered.length);
    await seen.shutdown();
  });
});

describe('telemetry options', () => {
  const hr: Actor = { id: 'hr-1', role: 'hr' };
  const manager: Actor = { id: 'mgr-1', role: 'manager' };
  const open = (engine: ReturnType<typeof createEngine>) =>
    engine.open(
      {
        employee: { id: 'emp-1', timeZone: 'Europe/London' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g1', description: 'Ship', measure: 'Weekly' }],
      },
      { actor: hr },
    );

  it('names the tenant only when the host opts in', async () => {
    for (const recordTenantId of [false, true]) {
      const seen = observed();
      const engine = createEngine({
        store: memoryStore({ tenantId: 'acme-ltd' }),
        policies: [defaultPolicy],
        clock: createTestClock('2026-03-02T15:00:00Z'),
        telemetry: { ...seen.telemetry, recordTenantId },
      });
      await open(engine);
      const tenants = seen.finished().map((span) => span.attributes['pipkit.tenant.id']);
      const points = await seen.points(MetricNames.COMMANDS);
      expect(tenants.length).toBeGreaterThan(0);
      expect(new Set(tenants)).toEqual(new Set([recordTenantId ? 'acme-ltd' : undefined]));
      expect(points[0]?.attributes['pipkit.tenant.id']).toBe(
        recordTenantId ? 'acme-ltd' : undefined,
      );
      await seen.shutdown();
    }
  });

  it('uses the global API by default: nothing without an SDK, spans once the host registers one', async () => {
    const engine = createEngine({
      store: memoryStore(),
      policies: [defaultPolicy],
      clock: createTestClock('2026-03-02T15:00:00Z'),
    });
    await open(engine);
    const spans = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    trace.setGlobalTracerProvider(provider);
    await open(engine);
    const [opened] = named(spans.getFinishedSpans(), 'pipkit.open');
    expect(opened?.instrumentationScope.name).toBe('@pipkit/core');
    expect(opened?.attributes['pipkit.outcome']).toBe('committed');
    trace.disable();
    await provider.shutdown();
  });
});
