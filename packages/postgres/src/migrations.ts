import { createHash } from 'node:crypto';
import { StoreError } from '@pipkit/core';
import type { PgQueryable } from './pgDriver.js';
import { inTransaction, type TransactionMode } from './transaction.js';

/** One schema step. Applied once, in `version` order, and never edited after release. */
export interface Migration {
  /** 1-based and contiguous; recorded in `<schema>.pipkit_migrations`. */
  readonly version: number;
  /** A short description, recorded with the version. */
  readonly name: string;
  /** The DDL to run, given the already quoted schema name (for example `"pipkit"`). */
  readonly sql: (schema: string) => string;
}

/**
 * Every schema step of `@pipkit/postgres`, oldest first. Append new steps; never change a
 * released one (a database that already recorded it would not run the change).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'pips, events, timers and outbox with leases, idempotency; tenant row security; functions',
    sql: (s) => `
      -- Every row belongs to a tenant. Ids are unique within a tenant and sort bytewise
      -- (COLLATE "C"), as in the memory and SQLite stores, whatever the database's collation:
      -- list() pages by id and the sweep orders by (due_at, timer_id).

      -- The current envelope of each PIP. record is the exact JSON text the engine wrote (text,
      -- not jsonb: byte-exact round trips, no reordered keys, no rejected \\u0000); the other
      -- columns are copies of its fields, for filters and the version guard.
      CREATE TABLE ${s}.pipkit_pips (
        tenant_id   text COLLATE "C" NOT NULL,
        pip_id      text COLLATE "C" NOT NULL,
        employee_id text NOT NULL,
        manager_id  text NOT NULL,
        state       text NOT NULL,
        version     integer NOT NULL CHECK (version >= 1),
        record      text NOT NULL,
        updated_at  text NOT NULL,
        PRIMARY KEY (tenant_id, pip_id)
      );
      -- list() filters one column and pages by id.
      CREATE INDEX pipkit_pips_state    ON ${s}.pipkit_pips (tenant_id, state, pip_id);
      CREATE INDEX pipkit_pips_employee ON ${s}.pipkit_pips (tenant_id, employee_id, pip_id);
      CREATE INDEX pipkit_pips_manager  ON ${s}.pipkit_pips (tenant_id, manager_id, pip_id);

      -- The append-only, hash-chained log. The primary key on (tenant_id, pip_id, seq) is the
      -- real concurrency guard: two writers can never both append the same seq.
      CREATE TABLE ${s}.pipkit_events (
        tenant_id text COLLATE "C" NOT NULL,
        pip_id    text COLLATE "C" NOT NULL,
        seq       integer NOT NULL CHECK (seq >= 1),
        event     text NOT NULL,
        prev_hash text NOT NULL,
        hash      text NOT NULL,
        PRIMARY KEY (tenant_id, pip_id, seq),
        FOREIGN KEY (tenant_id, pip_id) REFERENCES ${s}.pipkit_pips (tenant_id, pip_id)
      );

      -- Pending deadlines only: a cleared or replaced timer is deleted or overwritten (which also
      -- drops its lease). A lease is compared with the database clock, never an engine's.
      CREATE TABLE ${s}.pipkit_timers (
        tenant_id    text COLLATE "C" NOT NULL,
        timer_id     text COLLATE "C" NOT NULL,
        pip_id       text COLLATE "C" NOT NULL,
        deadline_id  text NOT NULL,
        kind         text NOT NULL,
        due_at       timestamptz NOT NULL,
        leased_by    text,
        leased_until timestamptz,
        PRIMARY KEY (tenant_id, timer_id),
        FOREIGN KEY (tenant_id, pip_id) REFERENCES ${s}.pipkit_pips (tenant_id, pip_id)
      );
      -- dueTimers() and claimDueTimers() read this index in order and stop at the limit.
      CREATE INDEX pipkit_timers_due ON ${s}.pipkit_timers (tenant_id, due_at, timer_id);

      -- Side effects written with the command; position gives a stable oldest-first order. A
      -- relay leases rows (leased_by, leased_until) so that two relays do not deliver together.
      CREATE TABLE ${s}.pipkit_outbox (
        position     bigserial PRIMARY KEY,
        tenant_id    text COLLATE "C" NOT NULL,
        id           text COLLATE "C" NOT NULL,
        pip_id       text COLLATE "C" NOT NULL,
        type         text NOT NULL,
        payload      text NOT NULL,
        created_at   text NOT NULL,
        delivered_at timestamptz,
        leased_by    text,
        leased_until timestamptz,
        UNIQUE (tenant_id, id),
        FOREIGN KEY (tenant_id, pip_id) REFERENCES ${s}.pipkit_pips (tenant_id, pip_id)
      );
      -- Only undelivered rows, so the relay's scan stays small as history grows.
      CREATE INDEX pipkit_outbox_pending ON ${s}.pipkit_outbox (tenant_id, position)
        WHERE delivered_at IS NULL;

      -- The first outcome recorded under each idempotency key. A commit inserts its key before
      -- the PIP row exists, so the reference is checked at commit time.
      CREATE TABLE ${s}.pipkit_idempotency (
        tenant_id    text COLLATE "C" NOT NULL,
        key          text COLLATE "C" NOT NULL,
        pip_id       text COLLATE "C" NOT NULL,
        request_hash text NOT NULL,
        version      integer NOT NULL,
        seqs         text NOT NULL,
        PRIMARY KEY (tenant_id, key),
        FOREIGN KEY (tenant_id, pip_id) REFERENCES ${s}.pipkit_pips (tenant_id, pip_id)
          DEFERRABLE INITIALLY DEFERRED
      );

      -- Row-level security, forced even for the tables' owner: a session sees and writes only the
      -- rows of the tenant in its pipkit.tenant_id setting, and nothing when it has none. The
      -- store's functions below set it (transaction-local) from their first argument. This is a
      -- guard against a query that forgets its tenant, not against a role that may set the
      -- setting itself; superusers and BYPASSRLS roles are never subject to it.
      ${TENANT_TABLES.map(
        (table) => `
      ALTER TABLE ${s}.${table} ENABLE ROW LEVEL SECURITY;
      ALTER TABLE ${s}.${table} FORCE ROW LEVEL SECURITY;
      CREATE POLICY pipkit_tenant ON ${s}.${table}
        USING (tenant_id = current_setting('pipkit.tenant_id', true))
        WITH CHECK (tenant_id = current_setting('pipkit.tenant_id', true));`,
      ).join('')}

      ${functions(s)}
    `,
  },
];

/** The tables that hold tenant rows, each under the same row-level security policy. */
export const TENANT_TABLES = [
  'pipkit_pips',
  'pipkit_events',
  'pipkit_timers',
  'pipkit_outbox',
  'pipkit_idempotency',
] as const;

/**
 * The store's functions: each store call is one statement, `SELECT ... FROM fn(tenant, ...)`, so
 * a command commits in one round trip and every call names its tenant. SECURITY INVOKER (the
 * default): row security applies to the calling role. Errors the store maps: `PK409` (the PIP is
 * not at the expected version; DETAIL holds the actual one) and `PK422` (the idempotency key is
 * already recorded).
 */
function functions(s: string): string {
  const tenant = `PERFORM set_config('pipkit.tenant_id', p_tenant, true);`;
  const isoOf = (column: string) =>
    `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return `
      CREATE FUNCTION ${s}.pipkit_commit(
        p_tenant text, p_pip_id text, p_expected integer,
        p_employee_id text, p_manager_id text, p_state text, p_version integer,
        p_record text, p_updated_at text,
        p_seqs integer[], p_events text[], p_prev_hashes text[], p_hashes text[],
        p_timer_clear text[],
        p_timer_ids text[], p_timer_pips text[], p_timer_deadlines text[], p_timer_kinds text[],
        p_timer_due timestamptz[],
        p_outbox_ids text[], p_outbox_pips text[], p_outbox_types text[],
        p_outbox_payloads text[], p_outbox_created text[],
        p_idem_key text, p_idem_pip text, p_idem_hash text, p_idem_version integer,
        p_idem_seqs text
      ) RETURNS integer LANGUAGE plpgsql AS $fn$
      DECLARE
        v_actual integer;
      BEGIN
        ${tenant}
        -- The key first: a concurrent duplicate waits for the first and then finds it taken.
        IF p_idem_key IS NOT NULL THEN
          INSERT INTO ${s}.pipkit_idempotency (tenant_id, key, pip_id, request_hash, version, seqs)
          VALUES (p_tenant, p_idem_key, p_idem_pip, p_idem_hash, p_idem_version, p_idem_seqs)
          ON CONFLICT (tenant_id, key) DO NOTHING;
          IF NOT FOUND THEN
            RAISE EXCEPTION 'idempotency key % is already recorded', p_idem_key
              USING ERRCODE = 'PK422';
          END IF;
        END IF;
        IF p_expected = 0 THEN
          -- A racing creator makes this a unique violation, which the store reports as a conflict.
          INSERT INTO ${s}.pipkit_pips
            (tenant_id, pip_id, employee_id, manager_id, state, version, record, updated_at)
          VALUES (p_tenant, p_pip_id, p_employee_id, p_manager_id, p_state, p_version, p_record,
                  p_updated_at);
        ELSE
          -- READ COMMITTED: a row a concurrent writer changed is re-checked against the version,
          -- so the loser updates nothing.
          UPDATE ${s}.pipkit_pips
             SET employee_id = p_employee_id, manager_id = p_manager_id, state = p_state,
                 version = p_version, record = p_record, updated_at = p_updated_at
           WHERE tenant_id = p_tenant AND pip_id = p_pip_id AND version = p_expected;
          IF NOT FOUND THEN
            SELECT version INTO v_actual FROM ${s}.pipkit_pips
             WHERE tenant_id = p_tenant AND pip_id = p_pip_id;
            RAISE EXCEPTION 'PIP % is not at version %', p_pip_id, p_expected
              USING ERRCODE = 'PK409', DETAIL = coalesce(v_actual, 0)::text;
          END IF;
        END IF;
        INSERT INTO ${s}.pipkit_events (tenant_id, pip_id, seq, event, prev_hash, hash)
        SELECT p_tenant, p_pip_id, e.seq, e.event, e.prev_hash, e.hash
          FROM unnest(p_seqs, p_events, p_prev_hashes, p_hashes) AS e (seq, event, prev_hash, hash);
        IF cardinality(p_timer_clear) > 0 THEN
          DELETE FROM ${s}.pipkit_timers
           WHERE tenant_id = p_tenant AND timer_id = ANY (p_timer_clear);
        END IF;
        IF cardinality(p_timer_ids) > 0 THEN
          INSERT INTO ${s}.pipkit_timers (tenant_id, timer_id, pip_id, deadline_id, kind, due_at)
          SELECT p_tenant, t.timer_id, t.pip_id, t.deadline_id, t.kind, t.due_at
            FROM unnest(p_timer_ids, p_timer_pips, p_timer_deadlines, p_timer_kinds, p_timer_due)
                 AS t (timer_id, pip_id, deadline_id, kind, due_at)
          ON CONFLICT (tenant_id, timer_id) DO UPDATE
            SET pip_id = excluded.pip_id, deadline_id = excluded.deadline_id,
                kind = excluded.kind, due_at = excluded.due_at,
                leased_by = NULL, leased_until = NULL;
        END IF;
        IF cardinality(p_outbox_ids) > 0 THEN
          INSERT INTO ${s}.pipkit_outbox (tenant_id, id, pip_id, type, payload, created_at)
          SELECT p_tenant, m.id, m.pip_id, m.type, m.payload, m.created_at
            FROM unnest(p_outbox_ids, p_outbox_pips, p_outbox_types, p_outbox_payloads,
                        p_outbox_created) WITH ORDINALITY AS m (id, pip_id, type, payload, created_at, n)
           ORDER BY m.n;
        END IF;
        RETURN p_version;
      END
      $fn$;

      -- Several commits in one statement, one transaction, one WAL flush: each request runs in its
      -- own subtransaction (a BEGIN ... EXCEPTION block), so a refused one leaves nothing and the
      -- others go on. p_requests is a JSON array of pipkit_commit's arguments after the tenant,
      -- in order. Returns one row per refused request: its position and the error's fields.
      CREATE FUNCTION ${s}.pipkit_commit_many(p_tenant text, p_requests json)
      RETURNS TABLE (request_index integer, sql_state text, error_detail text, error_message text,
                     error_constraint text)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        r json;
        i integer := 0;
      BEGIN
        FOR r IN SELECT value FROM json_array_elements(p_requests) LOOP
          BEGIN
            PERFORM ${s}.pipkit_commit(
              p_tenant, r->>0, (r->>1)::integer, r->>2, r->>3, r->>4, (r->>5)::integer, r->>6,
              r->>7,
              ARRAY(SELECT json_array_elements_text(r->8))::integer[],
              ARRAY(SELECT json_array_elements_text(r->9)),
              ARRAY(SELECT json_array_elements_text(r->10)),
              ARRAY(SELECT json_array_elements_text(r->11)),
              ARRAY(SELECT json_array_elements_text(r->12)),
              ARRAY(SELECT json_array_elements_text(r->13)),
              ARRAY(SELECT json_array_elements_text(r->14)),
              ARRAY(SELECT json_array_elements_text(r->15)),
              ARRAY(SELECT json_array_elements_text(r->16)),
              ARRAY(SELECT json_array_elements_text(r->17))::timestamptz[],
              ARRAY(SELECT json_array_elements_text(r->18)),
              ARRAY(SELECT json_array_elements_text(r->19)),
              ARRAY(SELECT json_array_elements_text(r->20)),
              ARRAY(SELECT json_array_elements_text(r->21)),
              ARRAY(SELECT json_array_elements_text(r->22)),
              r->>23, r->>24, r->>25, (r->>26)::integer, r->>27);
          EXCEPTION WHEN OTHERS THEN
            request_index := i;
            GET STACKED DIAGNOSTICS sql_state = RETURNED_SQLSTATE,
              error_detail = PG_EXCEPTION_DETAIL, error_message = MESSAGE_TEXT,
              error_constraint = CONSTRAINT_NAME;
            RETURN NEXT;
          END;
          i := i + 1;
        END LOOP;
      END
      $fn$;

      CREATE FUNCTION ${s}.pipkit_load(p_tenant text, p_pip_id text)
      RETURNS TABLE (record text) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${tenant}
        RETURN QUERY SELECT p.record FROM ${s}.pipkit_pips p
                      WHERE p.tenant_id = p_tenant AND p.pip_id = p_pip_id;
      END
      $fn$;

      CREATE FUNCTION ${s}.pipkit_read_events(p_tenant text, p_pip_id text, p_after integer)
      RETURNS TABLE (seq integer, event text, prev_hash text, hash text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${tenant}
        RETURN QUERY SELECT e.seq, e.event, e.prev_hash, e.hash FROM ${s}.pipkit_events e
                      WHERE e.tenant_id = p_tenant AND e.pip_id = p_pip_id AND e.seq > p_after
                      ORDER BY e.seq;
      END
      $fn$;

      CREATE FUNCTION ${s}.pipkit_get_idempotency(p_tenant text, p_key text)
      RETURNS TABLE (pip_id text, request_hash text, version integer, seqs text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${tenant}
        RETURN QUERY SELECT i.pip_id::text, i.request_hash, i.version, i.seqs
                       FROM ${s}.pipkit_idempotency i
                      WHERE i.tenant_id = p_tenant AND i.key = p_key;
      END
      $fn$;

      CREATE FUNCTION ${s}.pipkit_list(
        p_tenant text, p_state text, p_employee_id text, p_manager_id text, p_after text,
        p_limit integer
      ) RETURNS TABLE (record text) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${tenant}
        RETURN QUERY SELECT p.record FROM ${s}.pipkit_pips p
                      WHERE p.tenant_id = p_tenant
                        AND (p_state IS NULL OR p.state = p_state)
                        AND (p_employee_id IS NULL OR p.employee_id = p_employee_id)
                        AND (p_manager_id IS NULL OR p.manager_id = p_manager_id)
                        AND (p_after IS NULL OR p.pip_id > p_after)
                      ORDER BY p.pip_id
                      LIMIT p_limit;
      END
      $fn$;

      CREATE FUNCTION ${s}.pipkit_due_timers(p_tenant text, p_now timestamptz, p_limit integer)
      RETURNS TABLE (timer_id text, pip_id text, deadline_id text, kind text, due_at text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${tenant}
        RETURN QUERY SELECT t.timer_id::text, t.pip_id::text, t.deadline_id, t.kind,
                            ${isoOf('t.due_at')}
                       FROM ${s}.pipkit_timers t
                      WHERE t.tenant_id = p_tenant AND t.due_at <= p_now
                      ORDER BY t.due_at, t.timer_id
                      LIMIT p_limit;
      END
      $fn$;

      -- Picks due timers that are free (no lease, an ended lease, or the caller's own), skipping
      -- rows another sweeper is claiming right now, and leases them. Due-ness uses the engine's
      -- now; leases use the database clock, the one clock every instance shares.
      CREATE FUNCTION ${s}.pipkit_claim_timers(
        p_tenant text, p_owner text, p_lease_ms double precision, p_now timestamptz,
        p_limit integer
      ) RETURNS TABLE (timer_id text, pip_id text, deadline_id text, kind text, due_at text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${tenant}
        RETURN QUERY
          UPDATE ${s}.pipkit_timers t
             SET leased_by = p_owner,
                 leased_until = now() + p_lease_ms * interval '1 millisecond'
           WHERE t.tenant_id = p_tenant
             AND t.timer_id IN (
                 SELECT c.timer_id FROM ${s}.pipkit_timers c
                  WHERE c.tenant_id = p_tenant AND c.due_at <= p_now
                    AND (c.leased_until IS NULL OR c.leased_until <= now() OR c.leased_by = p_owner)
                  ORDER BY c.due_at, c.timer_id
                  LIMIT p_limit
                    FOR UPDATE SKIP LOCKED)
          RETURNING t.timer_id::text, t.pip_id::text, t.deadline_id, t.kind, ${isoOf('t.due_at')};
      END
      $fn$;

      CREATE FUNCTION ${s}.pipkit_pending_outbox(p_tenant text, p_limit integer)
      RETURNS TABLE (id text, pip_id text, type text, payload text, created_at text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${tenant}
        RETURN QUERY SELECT o.id::text, o.pip_id::text, o.type, o.payload, o.created_at
                       FROM ${s}.pipkit_outbox o
                      WHERE o.tenant_id = p_tenant AND o.delivered_at IS NULL
                      ORDER BY o.position
                      LIMIT p_limit;
      END
      $fn$;

      -- Like pipkit_claim_timers for the outbox, a PIP at a time so that its messages stay in
      -- order: picks PIPs whose oldest undelivered message is free (no live lease of another
      -- relay) and not being claimed right now, and leases all of their undelivered messages. A
      -- relay that locks a PIP's oldest message holds the PIP; its later messages are never a
      -- candidate while an earlier one is undelivered.
      CREATE FUNCTION ${s}.pipkit_claim_outbox(
        p_tenant text, p_owner text, p_lease_ms double precision, p_limit integer
      ) RETURNS TABLE (id text, pip_id text, type text, payload text, created_at text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${tenant}
        RETURN QUERY
          WITH heads AS (
            SELECT h.pip_id FROM ${s}.pipkit_outbox h
             WHERE h.tenant_id = p_tenant AND h.delivered_at IS NULL
               AND (h.leased_until IS NULL OR h.leased_until <= now() OR h.leased_by = p_owner)
               AND NOT EXISTS (
                   SELECT 1 FROM ${s}.pipkit_outbox e
                    WHERE e.tenant_id = p_tenant AND e.pip_id = h.pip_id
                      AND e.delivered_at IS NULL AND e.position < h.position)
             ORDER BY h.position
             LIMIT p_limit
               FOR UPDATE SKIP LOCKED),
          claimed AS (
            UPDATE ${s}.pipkit_outbox o
               SET leased_by = p_owner,
                   leased_until = now() + p_lease_ms * interval '1 millisecond'
             WHERE o.tenant_id = p_tenant AND o.delivered_at IS NULL
               AND o.pip_id IN (SELECT heads.pip_id FROM heads)
            RETURNING o.position, o.id, o.pip_id, o.type, o.payload, o.created_at)
          SELECT c.id::text, c.pip_id::text, c.type, c.payload, c.created_at
            FROM claimed c ORDER BY c.position;
      END
      $fn$;

      -- Deletes everything about one PIP, only at the expected version (PK409 otherwise, DETAIL
      -- the actual one); the row lock makes a concurrent commit wait or lose.
      CREATE FUNCTION ${s}.pipkit_purge(p_tenant text, p_pip_id text, p_expected integer)
      RETURNS void LANGUAGE plpgsql AS $fn$
      DECLARE
        v_actual integer;
      BEGIN
        ${tenant}
        SELECT version INTO v_actual FROM ${s}.pipkit_pips
         WHERE tenant_id = p_tenant AND pip_id = p_pip_id FOR UPDATE;
        IF v_actual IS NULL OR v_actual <> p_expected THEN
          RAISE EXCEPTION 'PIP % is not at version %', p_pip_id, p_expected
            USING ERRCODE = 'PK409', DETAIL = coalesce(v_actual, 0)::text;
        END IF;
        DELETE FROM ${s}.pipkit_idempotency WHERE tenant_id = p_tenant AND pip_id = p_pip_id;
        DELETE FROM ${s}.pipkit_outbox WHERE tenant_id = p_tenant AND pip_id = p_pip_id;
        DELETE FROM ${s}.pipkit_timers WHERE tenant_id = p_tenant AND pip_id = p_pip_id;
        DELETE FROM ${s}.pipkit_events WHERE tenant_id = p_tenant AND pip_id = p_pip_id;
        DELETE FROM ${s}.pipkit_pips WHERE tenant_id = p_tenant AND pip_id = p_pip_id;
      END
      $fn$;

      CREATE FUNCTION ${s}.pipkit_mark_delivered(p_tenant text, p_ids text[])
      RETURNS void LANGUAGE plpgsql AS $fn$
      BEGIN
        ${tenant}
        UPDATE ${s}.pipkit_outbox o
           SET delivered_at = now(), leased_by = NULL, leased_until = NULL
         WHERE o.tenant_id = p_tenant AND o.id = ANY (p_ids) AND o.delivered_at IS NULL;
      END
      $fn$;
  `;
}

/** The schema version this build of `@pipkit/postgres` writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** The default schema the store's tables live in. */
export const DEFAULT_SCHEMA = 'pipkit';

const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** True for a lowercase, unquoted-safe Postgres identifier of at most 63 bytes. */
export function isPlainIdentifier(name: string): boolean {
  return PLAIN_IDENTIFIER.test(name);
}

/** The schema name as a quoted identifier. Only ever called with a checked plain identifier. */
export function quoteIdentifier(name: string): string {
  if (!isPlainIdentifier(name)) throw new Error(`Not a plain identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/**
 * The advisory lock key that serialises migrations of one schema: the first 8 bytes of
 * SHA-256("pipkit:migrations:<schema>") as a signed 64-bit integer, so engines migrating
 * different schemas never wait for each other.
 */
export function migrationLockKey(schema: string): string {
  return createHash('sha256')
    .update(`pipkit:migrations:${schema}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/**
 * Brings a schema up to {@link SCHEMA_VERSION}: creates the schema and `pipkit_migrations` if
 * needed and runs every step not yet recorded, all in one transaction holding
 * `pg_advisory_xact_lock(<key of the schema>)`, so engine instances starting together apply each
 * step exactly once and a failed step leaves nothing behind. Refuses a schema written by a newer
 * `@pipkit/postgres`. `connection` must be one connection (a `pg.Client` or a checked-out
 * `PoolClient`), not a `Pool`; with `mode: 'savepoint'` it runs inside the caller's open
 * transaction.
 *
 * @returns the versions applied now (empty when the schema was already current)
 */
export async function migrate(
  connection: PgQueryable,
  options: {
    readonly schema?: string;
    readonly migrations?: readonly Migration[];
    readonly mode?: TransactionMode;
  } = {},
): Promise<number[]> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const migrations = options.migrations ?? MIGRATIONS;
  const s = quoteIdentifier(schema);
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  // Fast path without the lock: an instance starting on a current schema never waits, not even
  // for a host transaction that holds the lock because it migrated through a host client.
  if ((await recordedVersion(connection, s)) === latest) return [];
  return inTransaction(connection, options.mode ?? 'transaction', async (db) => {
    await db.query('SELECT pg_advisory_xact_lock($1::bigint)', [migrationLockKey(schema)]);
    // CREATE SCHEMA needs the CREATE privilege even with IF NOT EXISTS: only ask when missing.
    const existing = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (existing.rows.length === 0) await db.query(`CREATE SCHEMA ${s}`);
    await db.query(`
      CREATE TABLE IF NOT EXISTS ${s}.pipkit_migrations (
        version    integer NOT NULL PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const current = await recordedVersion(db, s);
    if (current > latest) {
      throw new StoreError(
        `Schema "${schema}" has pipkit schema version ${current}; this @pipkit/postgres knows ` +
          `versions up to ${latest}. Upgrade @pipkit/postgres to use it.`,
        { retryable: false },
      );
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await db.query(migration.sql(s));
      await db.query(`INSERT INTO ${s}.pipkit_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}

/** The highest version recorded in the schema's `pipkit_migrations`; 0 when there is none. */
async function recordedVersion(connection: PgQueryable, quotedSchema: string): Promise<number> {
  const table = `${quotedSchema}.pipkit_migrations`;
  const { rows } = await connection.query('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
  if (!(rows[0] as { present: boolean }).present) return 0;
  const result = await connection.query(
    `SELECT coalesce(max(version), 0) AS version FROM ${table}`,
  );
  return (result.rows[0] as { version: number }).version;
}
