import { createEngine, defaultPolicy, DeliveryError } from '@pipkit/core';
import { sqliteStore } from '@pipkit/sqlite';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { capturedCli } from '../__fixtures__/captured.js';

const folder = mkdtempSync(join(tmpdir(), 'pipkit-cli-dead-letters-'));
const cli = capturedCli({ cwd: folder });
const PIP = 'pip-undeliverable';
let ids: string[] = [];

beforeAll(async () => {
  const store = sqliteStore({ path: join(folder, 'pips.db') });
  const manager = { id: 'grace.hopper', role: 'manager' } as const;
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock: { now: () => new Date('2026-03-02T15:00:00Z') },
  });
  await engine.open(
    {
      pipId: PIP,
      employee: { id: 'alan.turing', timeZone: 'Europe/London' },
      managerId: manager.id,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g', description: 'Ship', measure: 'weekly' }],
    },
    { actor: manager },
  );
  const plan = { kind: 'planDocument', ref: 'dms://p', sha256: 'a'.repeat(64) };
  await engine.dispatch(
    PIP,
    { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
    { actor: manager },
  );
  await engine.dispatch(PIP, { type: 'APPROVE' }, { actor: { id: 'hr-1', role: 'hr' } });
  // The host's directory knows no address for anyone: both messages are given up at once.
  const round = await engine.relay(() => {
    throw new DeliveryError('DELIVERY_UNKNOWN_RECIPIENT', 'No address in the directory.', {
      retryable: false,
    });
  });
  ids = round.deadLettered.map((letter) => letter.id);
  await store.close();
});

describe('pipkit dead-letters', () => {
  it('lists the dead letters with their last error, as text and as JSON', async () => {
    expect(ids).toHaveLength(2);
    const text = await cli('dead-letters', 'list', '--db', 'pips.db');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('2 dead letter(s).');
    expect(text.stdout).toContain(
      `${ids[0]}  ${PIP}  pip.approvalRequested  1 attempt(s), dead since 2026-03-02T15:00:00.000Z  DELIVERY_UNKNOWN_RECIPIENT: No address in the directory.`,
    );
    const json = await cli('dead-letters', 'list', '--db', 'pips.db', '--pip', PIP, '--json');
    expect(
      (JSON.parse(json.stdout) as { deadLetters: { id: string }[] }).deadLetters.map((l) => l.id),
    ).toEqual(ids);
  });

  it('retries one and discards the other; a message that is no longer a dead letter is refused with its code', async () => {
    const [first, second] = ids as [string, string];
    const retried = await cli('dead-letters', 'retry', first, '--db', 'pips.db');
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(`Retried ${first} of ${PIP}`);
    const discarded = await cli('dead-letters', 'discard', second, '--db', 'pips.db', '--json');
    expect(JSON.parse(discarded.stdout)).toMatchObject({ messageId: second, action: 'discarded' });
    expect((await cli('dead-letters', 'list', '--db', 'pips.db')).stdout).toContain(
      '0 dead letter(s).',
    );
    const again = await cli('dead-letters', 'retry', second, '--db', 'pips.db');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('DEAD_LETTER_NOT_FOUND');
    const store = sqliteStore({ path: join(folder, 'pips.db') });
    expect((await store.pendingOutbox(10)).map((message) => message.id)).toEqual([first]);
    await store.close();
  });

  it('refuses an unknown action and a missing message id as usage errors', async () => {
    expect((await cli('dead-letters', 'purge', '--db', 'pips.db')).code).toBe(2);
    expect((await cli('dead-letters', 'retry', '--db', 'pips.db')).code).toBe(2);
    expect((await cli('dead-letters', 'list', 'x', '--db', 'pips.db')).code).toBe(2);
  });
});
