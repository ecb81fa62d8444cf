/**
 * The memory store's refusal log: one frozen chain per PIP, kept apart per tenant by the store
 * that owns it, and left in place by `purge` (the security trail outlives the PIP).
 */
import { chainRefusal, type RefusalRecord } from '../audit/refusalChain.js';
import { deepFreeze } from '../model/immutable.js';
import { type RefusalLogCapabilities, refusalPageLimit } from './refusalLog.js';

/** The memory store's `appendRefusal` and `readRefusals` over a chain per PIP. @internal */
export function memoryRefusalLog(): Required<RefusalLogCapabilities> {
  const chains = new Map<string, RefusalRecord[]>();
  return {
    appendRefusal(entry) {
      try {
        // JavaScript runs this without interleaving: reading the head and appending is atomic.
        const chain = chains.get(entry.pipId) ?? [];
        const record = deepFreeze(chainRefusal(chain.at(-1), entry));
        chain.push(record);
        chains.set(record.pipId, chain);
        return Promise.resolve(record);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    readRefusals(pipId, options = {}) {
      const after = Math.max(0, options.afterSeq ?? 0);
      const chain = chains.get(pipId) ?? [];
      // Records are numbered 1..n in place, so `seq > after` starts at index `after`.
      return Promise.resolve(chain.slice(after, after + refusalPageLimit(options)));
    },
  };
}
