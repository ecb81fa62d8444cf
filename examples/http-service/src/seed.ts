import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Actor, Engine, PipState } from '@pipkit/core';
import { clockFromEnv } from './clock.js';
import { createServiceEngine, loadConfig, openStore } from './config.js';

/** The people the seeded PIPs belong to. */
export const seedActors = {
  manager: { id: 'mgr-grace', role: 'manager' },
  hr: { id: 'hr-frances', role: 'hr' },
} as const satisfies Record<string, Actor>;

const ZONES = ['America/Chicago', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];

/** How far each seeded PIP goes: draft, issued (awaiting acknowledgement), or active. */
const STAGES = ['draft', 'opened', 'active'] as const;

/** The id of the n-th seeded PIP (from 1). */
export const seedPipId = (index: number) => `seed-${String(index).padStart(4, '0')}`;

/** A seeded employee actor. */
export const seedEmployee = (index: number): Actor => ({
  id: `emp-${1000 + index}`,
  role: 'employee',
});

const planDocument = (pipId: string) => ({
  kind: 'planDocument',
  ref: `dms://plans/${pipId}`,
  sha256: createHash('sha256').update(`plan of ${pipId}`).digest('hex'),
});

/**
 * Opens `count` PIPs, rotating through draft, issued (acknowledgement due) and active (check-ins
 * due), in four time zones. Every step carries an idempotency key, so running it twice changes
 * nothing. Returns each PIP's id and state.
 */
export async function seedPips(
  engine: Engine,
  options: { readonly count?: number } = {},
): Promise<{ pipId: string; state: PipState }[]> {
  const { manager, hr } = seedActors;
  const seeded: { pipId: string; state: PipState }[] = [];
  for (let index = 1; index <= (options.count ?? 6); index += 1) {
    const pipId = seedPipId(index);
    const employee = seedEmployee(index);
    const stage = STAGES[(index - 1) % STAGES.length] ?? 'draft';
    const plan = planDocument(pipId);
    const key = (step: string) => `seed:${pipId}:${step}`;
    let result = await engine.open(
      {
        pipId,
        employee: { id: employee.id, timeZone: ZONES[(index - 1) % ZONES.length] ?? 'UTC' },
        managerId: manager.id,
        policy: { id: 'pipkit-default' },
        goals: [
          {
            id: 'quality',
            description: 'Ship reviewed, tested changes',
            measure: 'No more than one reverted change per month',
          },
          { id: 'delivery', description: 'Deliver planned work', measure: '80% of sprint goals' },
        ],
      },
      { actor: manager, idempotencyKey: key('open') },
    );
    if (stage !== 'draft') {
      await engine.dispatch(
        pipId,
        { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
        { actor: manager, idempotencyKey: key('submit') },
      );
      result = await engine.dispatch(
        pipId,
        { type: 'APPROVE' },
        { actor: hr, idempotencyKey: key('approve') },
      );
    }
    if (stage === 'active') {
      result = await engine.dispatch(
        pipId,
        { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
        { actor: employee, idempotencyKey: key('acknowledge') },
      );
    }
    seeded.push({ pipId, state: result.pip.state });
  }
  return seeded;
}

/** `pnpm --filter @pipkit/example-http-service seed`: seeds the configured store. */
async function main(): Promise<void> {
  const config = loadConfig();
  const store = openStore(config);
  try {
    const engine = createServiceEngine(store, clockFromEnv());
    const count = Number(process.env.PIPKIT_SEED_COUNT ?? 6);
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new Error(
        `PIPKIT_SEED_COUNT must be a whole number from 1, not "${process.env.PIPKIT_SEED_COUNT}".`,
      );
    }
    for (const { pipId, state } of await seedPips(engine, { count })) {
      console.log(`${pipId}  ${state}`);
    }
  } finally {
    await store.close();
  }
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) await main();
