/**
 * The logger port with a real pino logger writing to memory: what the engine logs over a whole
 * lifecycle with refusals, a failed commit, dead letters and a parked deadline, and that no
 * personal value ever reaches the output.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../observability/logger.js';
import { runObservedLifecycle } from './__fixtures__/observedLifecycle.js';

/** A pino logger at debug level whose output is kept in memory, one parsed object per line. */
function memoryPino() {
  const chunks: string[] = [];
  const logger = pino({ level: 'debug', base: null }, { write: (chunk) => chunks.push(chunk) });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, text, lines };
}

describe('the engine log', () => {
  it('never writes a personal value through pino over a lifecycle with refusals, dead letters and a parked deadline', async () => {
    const out = memoryPino();
    const run = await runObservedLifecycle({ logger: out.logger });
    const messages = out.lines().map((line) => line.msg);
    expect(messages).toEqual(
      expect.arrayContaining([
        'store call failed',
        'write failed',
        'message dead-lettered',
        'deadline parked after repeated failures',
        'sweep round',
      ]),
    );
    expect(out.text().length).toBeGreaterThan(500);
    for (const value of run.personal) expect(out.text()).not.toContain(value);
  });

  it('logs what an operator acts on with codes and opaque ids, bound to the component', async () => {
    const out = memoryPino();
    const run = await runObservedLifecycle({ logger: out.logger });
    const lines = out.lines();
    const parked = lines.find((line) => line.msg === 'deadline parked after repeated failures');
    expect(parked).toMatchObject({
      level: 40,
      component: '@pipkit/core',
      pipId: run.brokenPipId,
      code: 'STORE_CORRUPT_ROW',
      attempts: 1,
      parked: true,
    });
    const dead = lines.filter((line) => line.msg === 'message dead-lettered');
    expect(dead.map((line) => line.messageId)).toEqual(
      run.relayed.deadLettered.map((letter) => letter.id),
    );
    const failed = lines.find((line) => line.msg === 'write failed');
    expect(failed).toMatchObject({
      level: 50,
      commandType: 'ATTACH_DOCUMENT',
      pipId: run.pipId,
      code: 'UNEXPECTED_ERROR',
      error: { name: 'Error' },
    });
    const round = lines.find((line) => line.msg === 'sweep round');
    expect(round).toMatchObject({ level: 30, faults: 1, parked: 1 });
  });

  it('goes on when the logger throws: the outcome is the same as without a logger', async () => {
    const broken: Logger = {
      debug: () => {
        throw new Error('log sink down');
      },
      info: () => {
        throw new Error('log sink down');
      },
      warn: () => {
        throw new Error('log sink down');
      },
      error: () => {
        throw new Error('log sink down');
      },
    };
    const withBroken = await runObservedLifecycle({ logger: broken });
    const without = await runObservedLifecycle({});
    expect(withBroken.swept).toEqual(without.swept);
    expect(withBroken.relayed.deadLettered).toEqual(without.relayed.deadLettered);
  });
});
