// Every object `deepFreeze` froze, with everything under it: what it holds is frozen all the way
// down. An object frozen some other way (perhaps only its top level) is not in it.
const deeplyFrozen = new WeakSet<object>();

/**
 * Freezes a JSON-like value and everything it holds, in place, and returns it. Members that
 * `deepFreeze` already froze are not walked again, so a record that shares most of its members
 * with the one before it costs only what is new. @internal
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !deeplyFrozen.has(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
    deeplyFrozen.add(value);
  }
  return value;
}
