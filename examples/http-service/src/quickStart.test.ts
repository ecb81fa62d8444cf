import { memoryStore } from '@pipkit/core';
import { describe, expect, it } from 'vitest';
import { people, startService } from './__fixtures__/service.js';
import { quickStart } from './quickStart.js';

describe('the quick start', () => {
  it('opens a PIP, submits it pinned to the version read, and reads a refusal', async () => {
    const service = await startService(memoryStore());
    try {
      const token = await service.identity.token(people.manager);
      expect(await quickStart(service.url, token)).toEqual({
        opened: [201, '"1"'],
        submitted: [200, '"3"'],
        refused: [422, 'application/problem+json; charset=utf-8', 'COMMAND_REFUSED'],
        issues: ['NOT_ALLOWED_IN_STATE'],
      });
    } finally {
      await service.close();
    }
  });
});
