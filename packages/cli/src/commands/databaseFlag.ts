/** `--db <file>`: the SQLite database every database command reads. */
export const dbFlag = { type: 'string' } as const;

/** Said in the help of every command that reads PIPs: the CLI bypasses the engine's authorization. */
export const READS_NOTE =
  'The CLI reads the store directly, with full read access: whoever can open the file can read every PIP in it.';
