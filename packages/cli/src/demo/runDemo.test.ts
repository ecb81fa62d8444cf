import { memoryStore } from '@pipkit/core';
import { describe, expect, it } from 'vitest';
import { runDemo } from './runDemo.js';

describe('the README demo', () => {
  it('runs a PIP from draft to a completed pass and verifies its audit chain', async () => {
    const result = await runDemo({ store: memoryStore() });
    expect(result.state).toBe('passed.completed');
    expect(result.verified).toBe(true);
    const text = result.lines.join('\n');
    // Dates are the employee's (Chicago): the DST change on 8 March moves the offset, not the hour.
    expect(text).toContain('Tue 3 Mar 2026 10:00 CST');
    expect(text).toContain('Tue 17 Mar 2026 09:30 CDT');
    expect(text).toContain('the plan runs Tue 3 Mar 2026 to Fri 1 May 2026');
    expect(text).toContain('check-in 2 was missed');
    expect(text).toContain('escalated (checkInMissed #1) to hr');
    expect(text).toContain('resumed after 7 days; the plan now ends Fri 8 May 2026');
    expect(text).toContain('the plan now ends Fri 22 May 2026');
    expect(text).toContain('due: review Fri 29 May 2026');
    expect(text).toContain('due: watch Thu 26 Nov 2026');
    // Before the final review, explain() says why a termination proposal would be refused.
    expect(result.prematureTermination).toMatchObject({ accepted: false, state: 'extended' });
    expect(result.prematureTermination.issues.map((issue) => issue.code)).toEqual([
      'NOT_ALLOWED_IN_STATE',
    ]);
    expect(text).toContain(
      'Asked on Tue 19 May 2026 09:00 CDT, before the final review: may Grace propose termination now? No',
    );
    expect(text).toContain(
      'NOT_ALLOWED_IN_STATE: PROPOSE_TERMINATION is not allowed while the PIP is extended.',
    );
    expect(text).toMatch(
      /Audit: 22 events, SHA-256 hash chain verified, replay reproduces the snapshot exactly\. OK$/,
    );
  });
});
