// By package name, like the rest of the suite: the reference runs on the same @pipkit/core.
import { memoryStore } from '@pipkit/core';
import {
  REFERENCE_PIP_ID,
  referenceActors,
  referenceContents,
  runReferenceLifecycle,
} from '../referenceLifecycle.js';
import type { ConformanceContext } from './conformanceContext.js';

/** Registers "through the engine": a whole lifecycle leaves what the memory store would hold. */
export function registerLifecycleFeatures(context: ConformanceContext): void {
  const { describe, it, expect } = context.test;
  describe('through the engine', () => {
    it('runs a whole PIP lifecycle exactly as the memory store does, and every chain verifies', async () => {
      const { store } = context;
      const reference = memoryStore();
      await runReferenceLifecycle(reference);
      const { engine, passed } = await runReferenceLifecycle(store);
      expect(passed.pip.state).toBe('passed.watching');
      expect(await referenceContents(store)).toEqual(await referenceContents(reference));
      const verification = await engine.verify(REFERENCE_PIP_ID, { actor: referenceActors.hr });
      expect(verification).toMatchObject({ ok: true, replayMatches: true });
    });
  });
}
