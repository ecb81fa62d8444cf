/**
 * Store calls traced on every store: the engine wraps the memory, SQLite and Postgres stores the
 * same way, each port call in a `pipkit.store.<method>` span, and the wrapped store still does
 * everything the store does (leases, deliveries, deadlines). The SDK here resolves a newer
 * `@opentelemetry/api` than @pipkit/core's, as a host's may.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type Actor, createEngine, defaultPolicy, memoryStore, type PipStore } from '@pipkit/core';
import { createTestClock, storeSelected } from '@pipkit/core/testing';
import { postgresStore } from '@pipkit/postgres';
import { sqliteStore } from '@pipkit/sqlite';

const PG_URL = process.env.PIPKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const hr: Actor = { id: 'hr-1', role: 'hr' };
const manager: Actor = { id: 'mgr-1', role: 'manager' };
const PLAN = { kind: 'planDocument', ref: 'dms://plan/1', sha256: '1'.padStart(64, '0') };

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const stores: readonly (readonly [string, () => PipStore & { close?(): Promise<void> }])[] = [
  ['memory', () => memoryStore()],
  [
    'sqlite',
    () => {
      const folder = mkdtempSync(join(tmpdir(), 'pipkit-observed-'));
      cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
      return sqliteStore({ path: join(folder, 'pipkit.db') });
    },
  ],
  [
    'postgres',
    () => {
      const schema = `pipkit_observed_${randomBytes(6).toString('hex')}`;
      cleanups.push(async () => {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      });
      return postgresStore({ connectionString: PG_URL, schema });
    },
  ],
];

for (const [name, makeStore] of stores.filter(([name]) => storeSelected(name))) {
  describe(`store calls on ${name}`, () => {
    it('traces every port call the engine makes and leaves what the store does unchanged', async () => {
      const spans = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(spans)],
      });
      const store = makeStore();
      cleanups.push(() => store.close?.());
      const clock = createTestClock('2026-03-02T15:00:00Z');
      const engine = createEngine({
        store,
        policies: [defaultPolicy],
        clock,
        recordCache: 0,
        telemetry: { tracer: provider.getTracer('test') },
      });
      const { pip } = await engine.open(
        {
          employee: { id: 'emp-1', timeZone: 'Europe/London' },
          managerId: manager.id,
          policy: { id: defaultPolicy.id },
          goals: [{ id: 'g1', description: 'Ship', measure: 'Weekly' }],
        },
        { actor: manager },
      );
      await engine.dispatch(
        pip.pipId,
        { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN] },
        { actor: manager },
      );
      await engine.dispatch(pip.pipId, { type: 'APPROVE' }, { actor: hr });
      const relayed = await engine.relay(() => undefined);
      clock.set('2026-03-20T00:00:00Z');
      const swept = await engine.tick();
      expect(relayed.delivered.length).toBeGreaterThan(0);
      expect(swept.fired.map((fired) => fired.kind)).toContain('acknowledgement');
      const names = new Set(spans.getFinishedSpans().map((span) => span.name));
      for (const method of ['load', 'commit', 'markOutboxDelivered']) {
        expect(names).toContain(`pipkit.store.${method}`);
      }
      expect(names.has('pipkit.store.claimDueTimers') || names.has('pipkit.store.dueTimers')).toBe(
        true,
      );
      expect(names.has('pipkit.store.claimOutbox') || names.has('pipkit.store.pendingOutbox')).toBe(
        true,
      );
      const dispatched = spans.getFinishedSpans().filter((span) => span.name === 'pipkit.dispatch');
      expect(dispatched.map((span) => span.attributes['pipkit.outcome'])).toEqual([
        'committed',
        'committed',
      ]);
      await provider.shutdown();
    });
  });
}
