/**
 * Traces, metrics and logs of the outbox relay: a `pipkit.relay` span per round (per tenant turn
 * of `relayTenants`), `pipkit.messages.delivered` and `pipkit.messages.dead_lettered` by message
 * type, and a log line for every failed attempt and every dead letter.
 */
import { inSpan, pointAttributes, telemetryCode } from '../observability/telemetry.js';
import { SpanNames, TelemetryAttributes as A } from '../observability/telemetryNames.js';
import type { OutboxHandler, RelayResult } from './deliveryApi.js';
import type { EngineContext } from './engineContext.js';

/**
 * Runs one relay round through `run` in a `pipkit.relay` span, handing it `handler` wrapped to
 * note each delivered message's type. @internal
 */
export function observeRelay(
  ctx: EngineContext,
  handler: OutboxHandler,
  run: (handler: OutboxHandler) => Promise<RelayResult>,
): Promise<RelayResult> {
  const { telemetry, log } = ctx;
  const types = new Map<string, string>();
  const noting: OutboxHandler = async (message) => {
    await handler(message);
    types.set(message.id, message.type);
  };
  // Metrics and logs are taken in the work itself: a span nobody records skips `settled`.
  return inSpan(telemetry, SpanNames.RELAY, {}, (span) =>
    run(noting).then((result) => {
      span.setAttributes({
        [A.RELAY_DELIVERED]: result.delivered.length,
        [A.RELAY_FAILED]: result.failed.length,
        [A.RELAY_DEAD_LETTERED]: result.deadLettered.length,
      });
      for (const id of result.delivered) {
        const type = types.get(id) ?? 'unknown';
        telemetry.messagesDelivered.add(1, pointAttributes(telemetry, { [A.MESSAGE_TYPE]: type }));
      }
      for (const failure of result.failed) {
        const { id, pipId, attempts, code, nextAttemptAt, error } = failure;
        const fields = { messageId: id, pipId, attempts, code, nextAttemptAt, error };
        log.warn('message delivery failed', fields);
      }
      for (const letter of result.deadLettered) {
        const { id, pipId, type, attempts, code } = letter;
        const point = { [A.MESSAGE_TYPE]: type, [A.ERROR_TYPE]: telemetryCode(code) };
        telemetry.messagesDeadLettered.add(1, pointAttributes(telemetry, point));
        log.warn('message dead-lettered', { messageId: id, pipId, type, attempts, code });
      }
      return result;
    }),
  );
}
