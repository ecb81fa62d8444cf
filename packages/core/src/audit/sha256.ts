import { hash } from 'node:crypto';

/**
 * SHA-256 of a UTF-8 string, as lowercase hex. Node's one-shot `crypto.hash` (Node 20.12+) skips
 * the `Hash` object a `createHash` chain builds, which the write path pays once per event.
 * @internal
 */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}
