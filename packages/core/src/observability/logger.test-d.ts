import pino from 'pino';
import { expectTypeOf, test } from 'vitest';
import type { EngineOptions } from '../engine/engineApi.js';
import type { Logger } from './logger.js';

test('a pino logger is a Logger as it is, and so is a child of one', () => {
  const logger = pino();
  expectTypeOf(logger).toExtend<Logger>();
  expectTypeOf(logger.child({ service: 'hr' })).toExtend<Logger>();
  expectTypeOf<{ logger: typeof logger }>().toExtend<Pick<EngineOptions, 'logger'>>();
});

test('a logger must take fields first: a console-style one is not a Logger', () => {
  const consoleLike = { debug: (message: string) => message.length, info: console.info };
  // @ts-expect-error: debug takes a string, not the fields object the engine passes first
  const logger: Logger = { ...consoleLike, warn: console.warn, error: console.error };
  expectTypeOf(logger).toExtend<Logger>();
});
