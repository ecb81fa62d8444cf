import { type OpenedStore, type OpenStoreOptions, openStoreUrl } from '../storeUrl.js';
import { StoreAccessCodes, StoreAccessError } from '../storeAccessError.js';
import { type CommandContext, stringFlag } from './command.js';

/**
 * The flags of every command that opens a store: `--store <url>` (a `sqlite:` file or a
 * `postgres://` URL), `--db <file>` (the same for a SQLite file, as before store URLs), and
 * `--tenant <id>` (the Postgres tenant).
 */
export const STORE_OPTIONS = {
  store: { type: 'string' },
  db: { type: 'string' },
  tenant: { type: 'string' },
} as const;

/** The environment variable read when a command is given neither `--store` nor `--db`. */
export const STORE_URL_ENV = 'PIPKIT_STORE_URL';

/** Said in the help of every command that opens a store. */
export const STORE_NOTE = [
  'The store: --store <url> (sqlite:pips.db, sqlite:///abs/pips.db, a file path, or',
  'postgres://user@host:5432/database?schema=pipkit), or --db <file> for a SQLite file, or the',
  `${STORE_URL_ENV} environment variable. --tenant <id> picks the Postgres tenant (default`,
  '"default"). A password in the URL is never printed; prefer PGPASSWORD or ~/.pgpass.',
].join('\n');

/** Said in the help of every command that reads PIPs: the CLI bypasses the engine's authorization. */
export const READS_NOTE =
  'The CLI reads the store directly, with full read access: whoever can open it can read every PIP in it.';

/**
 * The flags of the commands that write signed output from a store (`export`, `checkpoint`):
 * the store, the output file, the instant to stamp, and the Ed25519 signing key and its id.
 */
export const SIGNED_OUTPUT_OPTIONS = {
  ...STORE_OPTIONS,
  out: { type: 'string' },
  now: { type: 'string' },
  'sign-key': { type: 'string' },
  'key-id': { type: 'string' },
} as const;

/**
 * The store URL a command names: `--store`, else `--db`, else `PIPKIT_STORE_URL`; both flags at
 * once, or none of the three, is a usage error.
 */
export function storeUrlOf(context: Pick<CommandContext, 'flags' | 'io'>, command: string): string {
  const store = stringFlag(context.flags, 'store');
  const db = stringFlag(context.flags, 'db');
  if (store !== undefined && db !== undefined) {
    throw new StoreAccessError(
      StoreAccessCodes.INVALID_URL,
      '--store and --db name the same thing; give one.',
      '--db <file> is the SQLite-only spelling of --store <url>.',
    );
  }
  const url = store ?? db ?? context.io.env?.[STORE_URL_ENV];
  if (url === undefined || url === '') {
    throw new StoreAccessError(
      StoreAccessCodes.MISSING,
      `${command} needs a store.`,
      `Pass --store <url> (sqlite:pips.db or postgres://user@host/database) or --db <file>, or set ${STORE_URL_ENV}; for example: pipkit ${command} --db pips.db`,
    );
  }
  return url;
}

/** Opens the store a command names (see {@link storeUrlOf}), with its `--tenant`. */
export function openCommandStore(
  context: Pick<CommandContext, 'flags' | 'io'>,
  command: string,
  options: Omit<OpenStoreOptions, 'cwd' | 'tenantId'> = {},
): Promise<OpenedStore> {
  const tenantId = stringFlag(context.flags, 'tenant');
  return openStoreUrl(storeUrlOf(context, command), {
    ...options,
    cwd: context.io.cwd,
    ...(tenantId === undefined ? {} : { tenantId }),
  });
}
