/**
 * The adapter matrix filter: `PIPKIT_STORES=memory,sqlite` registers the conformance suite only
 * for the named adapters: the first word of `describeStoreConformance`'s name, case-insensitive
 * (`sqlite (file)` is in the `sqlite` leg).
 * Unset or empty means every store; CI runs every leg.
 *
 * @example
 * ```ts
 * storeSelected('sqlite (file)', 'memory,sqlite'); // true
 * storeSelected('postgres', 'memory,sqlite'); // false
 * ```
 */
export function storeSelected(name: string, env: string | undefined = readStoresEnv()): boolean {
  const wanted = (env ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry.length > 0);
  // `sqlite (file)` is the `sqlite` leg: the first word names the adapter.
  const adapter = name.trim().toLowerCase().split(/[\s(]/)[0] ?? '';
  return wanted.length === 0 || wanted.includes(adapter);
}

function readStoresEnv(): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env.PIPKIT_STORES;
}
