/**
 * The relay's rules for a failed delivery: the settings and their defaults, the backoff with
 * full jitter, and what of a handler's error is recorded on the message (a stable code and a
 * short message, never the payload).
 */
import { z } from 'zod';
import { parseInput } from '../errors/zodIssues.js';
import { DELIVERY_FAILURE_MESSAGE_MAX, type DeliveryFailure } from '../store/outboxDelivery.js';
import type { DeliveryOptions, DeliverySettings } from './deliveryApi.js';

/** The defaults of the engine's `delivery` option. */
export const DELIVERY_DEFAULTS = Object.freeze({
  maxAttempts: 10,
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
});

const deliveryOptionsSchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(100).optional(),
    baseDelayMs: z.number().int().min(0).max(86_400_000).optional(),
    maxDelayMs: z.number().int().min(0).max(604_800_000).optional(),
    random: z.custom<() => number>((value) => typeof value === 'function').optional(),
  })
  .strict();

const DEFAULT_SETTINGS: DeliverySettings = Object.freeze({
  ...DELIVERY_DEFAULTS,
  random: Math.random,
});
// Tenant engines share their root's options object: its settings are checked once.
const checked = new WeakMap<DeliveryOptions, DeliverySettings>();

/** The engine's delivery settings, checked, defaults applied. @internal */
export function deliverySettings(options: DeliveryOptions | undefined): DeliverySettings {
  if (options === undefined) return DEFAULT_SETTINGS;
  let settings = checked.get(options);
  if (!settings) {
    const parsed = parseInput(deliveryOptionsSchema, options, 'delivery options');
    settings = {
      maxAttempts: parsed.maxAttempts ?? DELIVERY_DEFAULTS.maxAttempts,
      baseDelayMs: parsed.baseDelayMs ?? DELIVERY_DEFAULTS.baseDelayMs,
      maxDelayMs: parsed.maxDelayMs ?? DELIVERY_DEFAULTS.maxDelayMs,
      random: parsed.random ?? Math.random,
    };
    checked.set(options, settings);
  }
  return settings;
}

/**
 * When to try a message again after its `attempts`-th failure at `now`: a uniformly random wait
 * between 0 and `min(maxDelayMs, baseDelayMs * 2^(attempts-1))` ("full jitter", so relays that
 * failed together do not retry together). @internal
 */
export function nextAttemptAt(settings: DeliverySettings, attempts: number, now: string): string {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempts - 1));
  const draw = settings.random();
  // A source that strays outside [0, 1) is clamped: the wait never exceeds the ceiling.
  const fraction = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1) : 1;
  return new Date(Date.parse(now) + Math.floor(fraction * ceiling)).toISOString();
}

const STABLE_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;

/** A string field of an error, when it is one. */
function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)[name]
    : undefined;
}

/**
 * What a failed attempt records, from what the handler threw: a typed error's stable code
 * (`reason` of a pipkit error, else `code`) and its message, shortened; for an untyped error,
 * `DELIVERY_FAILED` and only its class name, since its message may hold personal data.
 * `retryable` is false only when the error says so. @internal
 */
export function deliveryFailureOf(
  error: unknown,
  at: string,
): { readonly failure: DeliveryFailure; readonly retryable: boolean } {
  const reason = field(error, 'reason');
  const code = field(error, 'code');
  const stable =
    typeof reason === 'string' && STABLE_CODE.test(reason)
      ? reason
      : typeof code === 'string' && STABLE_CODE.test(code)
        ? code
        : undefined;
  const name = field(error, 'name');
  const message =
    stable !== undefined && typeof field(error, 'message') === 'string'
      ? String(field(error, 'message'))
      : `The delivery handler threw ${typeof name === 'string' && /^\w{1,64}$/.test(name) ? name : 'a value that is not an error'}.`;
  return {
    failure: {
      code: stable ?? 'DELIVERY_FAILED',
      message: message.slice(0, DELIVERY_FAILURE_MESSAGE_MAX),
      at,
    },
    retryable: field(error, 'retryable') !== false,
  };
}
