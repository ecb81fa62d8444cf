/** `--db <file>`: the SQLite database every database command reads. */
export const dbFlag = { type: 'string' } as const;

/** Said in the help of every command that reads PIPs: the CLI bypasses the engine's authorization. */
export const READS_NOTE =
  'The CLI reads the store directly, with full read access: whoever can open the file can read every PIP in it.';

/**
 * The flags of the commands that write signed output from a database (`export`, `checkpoint`):
 * the database, the output file, the instant to stamp, and the Ed25519 signing key and its id.
 */
export const SIGNED_OUTPUT_OPTIONS = {
  db: dbFlag,
  out: { type: 'string' },
  now: { type: 'string' },
  'sign-key': { type: 'string' },
  'key-id': { type: 'string' },
} as const;
