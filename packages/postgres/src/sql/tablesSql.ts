/**
 * The tables of schema version 1 and their row-level security: DDL as a function of the quoted
 * schema name. Released: never changes (later migrations alter what they need).
 * @module
 */

/** The tenant tables of version 1, each under the same row-level security policy. */
const TENANT_TABLES_V1 = [
  'pipkit_pips',
  'pipkit_events',
  'pipkit_timers',
  'pipkit_outbox',
  'pipkit_idempotency',
] as const;

/**
 * Every table that holds tenant rows, each under the same row-level security policy: version
 * 1's and the refusal log of version 11.
 */
export const TENANT_TABLES = [...TENANT_TABLES_V1, 'pipkit_refusals'] as const;

/** Version 1's tables, indexes and tenant policies (everything but its functions). */
export const tablesV1 = (s: string): string => `
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
      ${TENANT_TABLES_V1.map(
        (table) => `
      ALTER TABLE ${s}.${table} ENABLE ROW LEVEL SECURITY;
      ALTER TABLE ${s}.${table} FORCE ROW LEVEL SECURITY;
      CREATE POLICY pipkit_tenant ON ${s}.${table}
        USING (tenant_id = current_setting('pipkit.tenant_id', true))
        WITH CHECK (tenant_id = current_setting('pipkit.tenant_id', true));`,
      ).join('')}
`;

/**
 * Version 3's table changes. The envelope's policy gets columns of its own beside the record
 * JSON, so `inspect` (and `engine.verify` through it) compares what the store holds with what the
 * events imply; they are filled from each record that parses, and a record that does not leaves
 * them NULL (only that PIP is affected, and verify reports it). Timers get their failed-fire
 * count and park: a parked timer (`parked_code` set) is never swept, and setting it again
 * clears both. Indexes by PIP serve inspect and purge. `ADD COLUMN` with a constant default
 * rewrites nothing (PostgreSQL docs, "ALTER TABLE", Notes).
 *
 * The backfill runs as the tables' owner, which forced row security would limit to one tenant's
 * rows (none, with no tenant set): `NO FORCE` lifts it for the owner inside this transaction only,
 * and `FORCE` puts it back before the migration commits (docs, "5.8. Row Security Policies").
 */
export const tablesV3 = (s: string): string => `
      ALTER TABLE ${s}.pipkit_pips ADD COLUMN policy_id text, ADD COLUMN policy_version integer;
      ALTER TABLE ${s}.pipkit_timers
        ADD COLUMN attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN parked_code text;
      CREATE INDEX pipkit_timers_pip ON ${s}.pipkit_timers (tenant_id, pip_id);
      CREATE INDEX pipkit_outbox_pip ON ${s}.pipkit_outbox (tenant_id, pip_id, position);

      CREATE FUNCTION ${s}.pipkit_try_jsonb(p_text text) RETURNS jsonb
      LANGUAGE plpgsql IMMUTABLE AS $fn$
      BEGIN
        RETURN p_text::jsonb;
      EXCEPTION WHEN OTHERS THEN
        RETURN NULL;
      END
      $fn$;
      ALTER TABLE ${s}.pipkit_pips NO FORCE ROW LEVEL SECURITY;
      UPDATE ${s}.pipkit_pips p
         SET policy_id = r.doc->>'policyId',
             policy_version = CASE WHEN jsonb_typeof(r.doc->'policyVersion') = 'number'
                                   THEN (r.doc->>'policyVersion')::numeric::integer END
        FROM (SELECT tenant_id, pip_id, ${s}.pipkit_try_jsonb(record) AS doc
                FROM ${s}.pipkit_pips) r
       WHERE p.tenant_id = r.tenant_id AND p.pip_id = r.pip_id AND r.doc IS NOT NULL;
      ALTER TABLE ${s}.pipkit_pips FORCE ROW LEVEL SECURITY;
      DROP FUNCTION ${s}.pipkit_try_jsonb(text);
`;
