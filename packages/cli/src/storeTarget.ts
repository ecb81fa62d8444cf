/**
 * Store URLs parsed into what they point at, and redacted for output.
 * @module
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreAccessCodes, StoreAccessError } from './storeAccessError.js';

/** A parsed SQLite store URL: a file path, resolved against the working folder. */
export interface SqliteStoreTarget {
  readonly kind: 'sqlite';
  /** The absolute file path. */
  readonly path: string;
  /** What to print for it: the path. */
  readonly display: string;
}

/** A parsed Postgres store URL. */
export interface PostgresStoreTarget {
  readonly kind: 'postgres';
  /** The libpq connection URI handed to pg, without the CLI's own `schema` parameter. */
  readonly connectionString: string;
  /** The schema holding pipkit's tables: `?schema=`, else the first of `-c search_path=`, else `pipkit`. */
  readonly schema: string;
  /** What to print for it: the URI with its password replaced by `***`. */
  readonly display: string;
  /** The password the URL carries (in the user info or `?password=`), to scrub from messages. */
  readonly secrets: readonly string[];
}

/** Where a store URL points. */
export type StoreTarget = SqliteStoreTarget | PostgresStoreTarget;

const SCHEME = /^([a-z][a-z0-9+.-]+):/i;
const REDACTED = '***';
const DEFAULT_SCHEMA = 'pipkit';
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Replaces the password of a URL (its user info and a `password` query parameter) with `***`.
 * Text that is not a URL is returned as it is.
 *
 * @example
 * ```ts
 * redactStoreUrl('postgres://app:s3cret@db/hr'); // 'postgres://app:***@db/hr'
 * ```
 */
export function redactStoreUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not parseable: hide anything between "://user:" and "@", the usual place of a password.
    return url.replace(/(\/\/[^:/@?#]*:)[^@/?#]*@/, `$1${REDACTED}@`);
  }
  if (parsed.password !== '') parsed.password = REDACTED;
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', REDACTED);
  return parsed.toString();
}

/** Replaces every secret of the target in a message (a driver's error may quote it). */
export function scrubSecrets(target: StoreTarget, text: string): string {
  if (target.kind !== 'postgres') return text;
  return target.secrets.reduce(
    (out, secret) => (secret.length === 0 ? out : out.split(secret).join(REDACTED)),
    text,
  );
}

/** The schema named by `options=-c search_path=...`, if any (its first entry). */
function searchPathSchema(options: string | null): string | undefined {
  const match = options === null ? null : /(?:^|\s)-c\s*search_path=([^\s,]+)/.exec(options);
  return match?.[1]?.replace(/^"|"$/g, '');
}

function parsePostgres(url: string): PostgresStoreTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreAccessError(
      StoreAccessCodes.INVALID_URL,
      `${redactStoreUrl(url)} is not a valid Postgres URL.`,
      'Write it as postgres://user:password@host:5432/database?schema=pipkit (percent-encode special characters in the password).',
    );
  }
  const secrets = [parsed.password, decodeURIComponent(parsed.password)];
  const queryPassword = parsed.searchParams.get('password');
  if (queryPassword !== null) secrets.push(queryPassword, encodeURIComponent(queryPassword));
  const schemaParam = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  const schema =
    schemaParam ?? searchPathSchema(parsed.searchParams.get('options')) ?? DEFAULT_SCHEMA;
  const display = redactStoreUrl(url);
  if (!PLAIN_IDENTIFIER.test(schema)) {
    throw new StoreAccessError(
      StoreAccessCodes.INVALID_URL,
      `The schema ${JSON.stringify(schema)} of ${display} is not a plain lowercase identifier.`,
      'Name a schema matching [a-z_][a-z0-9_]* (at most 63 characters), for example ?schema=pipkit.',
    );
  }
  return { kind: 'postgres', connectionString: parsed.toString(), schema, display, secrets };
}

function sqliteTarget(path: string, cwd: string): SqliteStoreTarget {
  if (path.length === 0) {
    throw new StoreAccessError(
      StoreAccessCodes.INVALID_URL,
      'The SQLite URL names no file.',
      'Write sqlite:pips.db (relative to the working folder) or sqlite:///var/lib/pipkit/pips.db.',
    );
  }
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  return { kind: 'sqlite', path: absolute, display: absolute };
}

/**
 * Parses a store URL: `sqlite:relative/path.db`, `sqlite:///absolute/path.db`, `file:` URLs, a
 * bare file path (as `--db` always took), `postgres://` or `postgresql://` (libpq URIs, with
 * pipkit's schema as `?schema=name` or `options=-c search_path=name`). Relative paths resolve
 * against `cwd`. Throws a {@link StoreAccessError} (`CLI_STORE_URL_INVALID`,
 * `CLI_STORE_URL_UNKNOWN_SCHEME`) whose message never holds the password.
 *
 * @example
 * ```ts
 * parseStoreUrl('postgres://app:pw@db:5432/hr?schema=pipkit', '/srv');
 * // { kind: 'postgres', schema: 'pipkit', display: 'postgres://app:***@db:5432/hr', ... }
 * parseStoreUrl('sqlite:pips.db', '/srv'); // { kind: 'sqlite', path: '/srv/pips.db', ... }
 * ```
 */
export function parseStoreUrl(url: string, cwd: string): StoreTarget {
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return sqliteTarget(url, cwd);
  if (scheme === 'postgres' || scheme === 'postgresql') return parsePostgres(url);
  if (scheme === 'file') {
    if (url.startsWith('file://')) {
      try {
        return sqliteTarget(fileURLToPath(url), cwd);
      } catch {
        throw new StoreAccessError(
          StoreAccessCodes.INVALID_URL,
          `${url} is not a local file URL.`,
          'Write file:///absolute/path/pips.db, or give the path itself.',
        );
      }
    }
    return sqliteTarget(decodeURIComponent(url.slice('file:'.length)), cwd);
  }
  if (scheme === 'sqlite' || scheme === 'sqlite3') {
    const rest = url.slice(scheme.length + 1);
    if (rest.startsWith('//')) {
      // sqlite:///abs/path (empty host) as SQLAlchemy and others write it; no host is allowed.
      if (!rest.startsWith('///')) {
        throw new StoreAccessError(
          StoreAccessCodes.INVALID_URL,
          `${url} names a host; SQLite is a local file.`,
          'Write sqlite:///absolute/path.db or sqlite:relative/path.db.',
        );
      }
      return sqliteTarget(decodeURIComponent(rest.slice(2)), cwd);
    }
    return sqliteTarget(decodeURIComponent(rest), cwd);
  }
  throw new StoreAccessError(
    StoreAccessCodes.UNKNOWN_SCHEME,
    `Unknown store scheme "${scheme}:" in ${redactStoreUrl(url)}.`,
    'pipkit stores live in SQLite (sqlite:pips.db, or a file path) or PostgreSQL (postgres://user@host/database).',
  );
}
