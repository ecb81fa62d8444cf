import { readFileSync } from 'node:fs';
import { type Clock, systemClock } from '@pipkit/core';

/**
 * A clock that reads the current instant (an ISO string) from a file at every call: how a test,
 * or a what-if simulation, moves a separate worker process through simulated time without
 * waiting for it. Never used in production.
 */
export function fileClock(path: string): Clock {
  return {
    now() {
      const text = readFileSync(path, 'utf8').trim();
      const instant = new Date(text);
      if (Number.isNaN(instant.getTime())) {
        throw new Error(`The clock file ${path} holds "${text}", not an ISO instant.`);
      }
      return instant;
    },
  };
}

/** `PIPKIT_CLOCK_FILE` set: a {@link fileClock} (simulated time); otherwise the system clock. */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const path = env.PIPKIT_CLOCK_FILE;
  return path ? fileClock(path) : systemClock;
}
