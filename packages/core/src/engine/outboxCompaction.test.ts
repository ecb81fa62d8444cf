import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import { memoryStore } from '../store/memoryStore.js';
import { createEngine } from './createEngine.js';
import {
  REFERENCE_PIP_ID,
  referenceActors,
  runReferenceLifecycle,
} from '../testing/referenceLifecycle.js';

const { hr } = referenceActors;

describe('verify after the outbox is compacted', () => {
  it('passes once delivered messages are compacted, and still names a message deleted after the cutoff', async () => {
    let now = Date.parse('2026-12-01T00:00:00.000Z');
    const store = memoryStore({ now: () => now });
    const { engine } = await runReferenceLifecycle(store);
    const delivered = await engine.relay(() => undefined, { limit: 1000 });
    expect(delivered.delivered.length).toBeGreaterThan(2);
    now = Date.parse('2026-12-02T00:00:00.000Z');
    expect(await store.compactOutbox?.({ deliveredBefore: '2026-12-01T12:00:00.000Z' })).toBe(
      delivered.delivered.length,
    );
    expect((await store.inspect?.(REFERENCE_PIP_ID))?.outbox).toEqual([]);
    expect(await engine.verify(REFERENCE_PIP_ID, { actor: hr })).toMatchObject({ ok: true });
  });

  it('counts as missing a message created after the cutoff when it is gone', async () => {
    const store = memoryStore();
    const { engine } = await runReferenceLifecycle(store);
    const rows = await store.inspect?.(REFERENCE_PIP_ID);
    const first = rows?.outbox[0];
    if (!rows || !first) throw new Error('the reference lifecycle writes outbox messages');
    // The store as it would look had someone deleted a message after a compaction whose cutoff
    // is older than every message.
    const tampered = {
      ...store,
      inspect: () =>
        Promise.resolve({
          ...rows,
          outbox: rows.outbox.slice(1),
          outboxCompactedBefore: '2000-01-01T00:00:00.000Z',
        }),
    };
    const check = createEngine({ store: tampered, policies: [defaultPolicy] });
    const result = await check.verify(REFERENCE_PIP_ID, { actor: hr });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('OUTBOX_MISSING');
    expect(await engine.verify(REFERENCE_PIP_ID, { actor: hr })).toMatchObject({ ok: true });
  });
});
