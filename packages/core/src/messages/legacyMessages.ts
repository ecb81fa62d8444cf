/**
 * Messages written by releases before the catalogue: their type was `notification` and the
 * catalogue's name was the payload's `template`. Read back, they take the catalogue's shape, so
 * a message still pending across an upgrade is delivered, and verified, like a new one.
 */

/** The type every notification had before the catalogue named them. */
export const LEGACY_NOTIFICATION_TYPE = 'notification';

/**
 * The catalogue's shape of a stored message: a legacy `notification` becomes the type its
 * `template` names, without the `template` field; any other message is returned as it is.
 * @internal
 */
export function upcastMessage<
  M extends { readonly type: string; readonly payload: Readonly<Record<string, unknown>> },
>(message: M): M {
  if (message.type !== LEGACY_NOTIFICATION_TYPE) return message;
  const { template, ...payload } = message.payload;
  if (typeof template !== 'string') return message;
  return { ...message, type: template, payload };
}
