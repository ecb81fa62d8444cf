/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped
 * (as `JSON.stringify` does). For the JSON values pipkit hashes (strings, finite numbers,
 * booleans, null, arrays, plain objects) this matches RFC 8785, so any language can recompute
 * an event's hash. It runs once per event on the hot path, so it builds one string without
 * intermediate arrays. @internal
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('Cannot hash a non-finite number.');
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) out += ',';
      const item: unknown = value[index];
      out += item === undefined ? 'null' : canonicalJson(item);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  sortKeys(keys);
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (!first) out += ',';
    out += quotedKey(key) + ':' + canonicalJson(member);
    first = false;
  }
  return out + '}';
}

// Events repeat a small set of member names: quote each once. Bounded, so hostile input cannot
// grow it without limit.
const QUOTED_KEYS_MAX = 4096;
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < QUOTED_KEYS_MAX) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/**
 * The few keys of an object, sorted in place by code unit (as `Array#sort` with no comparator
 * orders strings). Most objects here have under a dozen members: an insertion sort orders them
 * without the scratch array `Array#sort` allocates on every call, which was an eighth of the
 * bytes a deadline fire allocated.
 */
function sortKeys(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let index = 1; index < keys.length; index += 1) {
    const key = keys[index] as string;
    let at = index - 1;
    while (at >= 0 && (keys[at] as string) > key) {
      keys[at + 1] = keys[at] as string;
      at -= 1;
    }
    keys[at + 1] = key;
  }
}
