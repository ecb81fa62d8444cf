/**
 * Migration 8's event log: each hash as its 32 bytes (`bytea`) instead of 64 hex characters, and
 * the previous hash implied by the sequence; and the outbox compaction. Migration 10's
 * compressed event bodies. Each export is a function of the quoted schema name
 * returning DDL; a released one never changes (see `MIGRATIONS`).
 * @module
 */
import { GENESIS, isoOf, SET_TENANT } from './shared.js';

/**
 * Moves `pipkit_events` to the compact layout. `prev_hash` becomes NULL wherever it is the
 * previous event's hash (the genesis hash for event 1), which is every event pipkit wrote; an
 * event whose recorded previous hash is another keeps it, so verification answers exactly as it
 * did. Then `hash` becomes `bytea`; a stored hash that is not 64 lowercase hex characters keeps
 * its text's bytes, so it still fails to verify. The update runs before the type change, whose
 * table rewrite leaves no dead row versions behind (PostgreSQL docs, "ALTER TABLE", Notes). Row
 * security is forced on the table, so the owner lifts it for the update and forces it again in
 * the same transaction, under the lock the first `ALTER TABLE` takes.
 */
export const eventsV8 = (s: string): string => `
      ALTER TABLE ${s}.pipkit_events ALTER COLUMN prev_hash DROP NOT NULL, NO FORCE ROW LEVEL SECURITY;
      UPDATE ${s}.pipkit_events e
         SET prev_hash = NULL
        FROM (SELECT tenant_id, pip_id, seq,
                     coalesce(lag(hash) OVER (PARTITION BY tenant_id, pip_id ORDER BY seq),
                              CASE WHEN seq = 1 THEN ${GENESIS} END) AS implied
                FROM ${s}.pipkit_events) i
       WHERE e.tenant_id = i.tenant_id AND e.pip_id = i.pip_id AND e.seq = i.seq
         AND e.prev_hash = i.implied;
      ALTER TABLE ${s}.pipkit_events
        ALTER COLUMN hash TYPE bytea
          USING CASE WHEN hash ~ '^[0-9a-f]{64}$' THEN decode(hash, 'hex')
                     ELSE convert_to(hash, 'UTF8') END,
        FORCE ROW LEVEL SECURITY;
`;

/**
 * `pipkit_read_events` on the compact layout, with the same result columns: each hash as hex,
 * and the previous hash where it is not stored taken from the event before, which the read also
 * fetches (event `p_after`) and leaves out of the result.
 */
export const readEventsV8 = (s: string): string => `
      CREATE OR REPLACE FUNCTION ${s}.pipkit_read_events(p_tenant text, p_pip_id text, p_after integer)
      RETURNS TABLE (seq integer, event text, prev_hash text, hash text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY
          SELECT r.seq, r.event, r.prev_hash, r.hash FROM (
            SELECT e.seq, e.event,
                   coalesce(e.prev_hash, encode(lag(e.hash) OVER (ORDER BY e.seq), 'hex'),
                            ${GENESIS}) AS prev_hash,
                   encode(e.hash, 'hex') AS hash
              FROM ${s}.pipkit_events e
             WHERE e.tenant_id = p_tenant AND e.pip_id = p_pip_id AND e.seq >= p_after
          ) r
          WHERE r.seq > p_after
          ORDER BY r.seq;
      END
      $fn$;
`;

/**
 * The events insert of `pipkit_commit` on the compact layout (migration 8): the hash as bytes,
 * the previous hash only where it is not the hash of the event before (`v_prev` holds the hash
 * of event `expected`, read by the caller, or the genesis hash). With `deflated` (migration 10)
 * an event may come as `event_deflated`, its compressed bytes in base64, written to the column
 * of that name instead of `event`.
 */
export const compactEventsInsert = (
  s: string,
  deflated = false,
): string => `        IF v_expected = 0 THEN
          v_prev := ${GENESIS};
        ELSE
          SELECT encode(p.hash, 'hex') INTO v_prev FROM ${s}.pipkit_events p
           WHERE p.tenant_id = p_tenant AND p.pip_id = v_pip AND p.seq = v_expected;
        END IF;
        INSERT INTO ${s}.pipkit_events (tenant_id, pip_id, seq, event, ${deflated ? 'event_deflated, ' : ''}prev_hash, hash)
        SELECT p_tenant, v_pip, e.seq, e.event,${deflated ? " decode(e.event_deflated, 'base64')," : ''}
               CASE WHEN e.prev_hash IS NOT DISTINCT FROM
                         coalesce(lag(e.hash) OVER (ORDER BY e.seq), v_prev)
                    THEN NULL ELSE e.prev_hash END,
               decode(e.hash, 'hex')
          FROM jsonb_to_recordset(p_request->'events')
               AS e (seq integer, event text, ${deflated ? 'event_deflated text, ' : ''}prev_hash text, hash text);`;

/**
 * Migration 8's outbox compaction: `pipkit_compact_outbox` deletes one tenant's messages
 * delivered before a cutoff (never a pending one) and remembers the latest cutoff in
 * `pipkit_outbox_compaction`, which `pipkit_outbox_compacted_before` reads for `inspect`, so
 * verify does not count a message created before it as missing. The new table has the tenant
 * policy every table has.
 */
export const outboxCompactionV8 = (s: string): string => `
      CREATE TABLE ${s}.pipkit_outbox_compaction (
        tenant_id        text COLLATE "C" NOT NULL PRIMARY KEY,
        delivered_before timestamptz NOT NULL
      );
      ALTER TABLE ${s}.pipkit_outbox_compaction ENABLE ROW LEVEL SECURITY;
      ALTER TABLE ${s}.pipkit_outbox_compaction FORCE ROW LEVEL SECURITY;
      CREATE POLICY pipkit_tenant ON ${s}.pipkit_outbox_compaction
        USING (tenant_id = current_setting('pipkit.tenant_id', true))
        WITH CHECK (tenant_id = current_setting('pipkit.tenant_id', true));

      CREATE FUNCTION ${s}.pipkit_compact_outbox(p_tenant text, p_before timestamptz)
      RETURNS TABLE (deleted integer) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        DELETE FROM ${s}.pipkit_outbox o
         WHERE o.tenant_id = p_tenant AND o.delivered_at IS NOT NULL AND o.delivered_at < p_before;
        GET DIAGNOSTICS deleted = ROW_COUNT;
        INSERT INTO ${s}.pipkit_outbox_compaction AS c (tenant_id, delivered_before)
        VALUES (p_tenant, p_before)
        ON CONFLICT (tenant_id) DO UPDATE
          SET delivered_before = greatest(c.delivered_before, excluded.delivered_before);
        RETURN NEXT;
      END
      $fn$;

      CREATE FUNCTION ${s}.pipkit_outbox_compacted_before(p_tenant text)
      RETURNS TABLE (delivered_before text) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT ${isoOf('c.delivered_before')} FROM ${s}.pipkit_outbox_compaction c
                      WHERE c.tenant_id = p_tenant;
      END
      $fn$;
`;

/**
 * Migration 10's event bodies: a new event's JSON is kept compressed (core's
 * `compressEventJson`: raw DEFLATE with a preset dictionary, RFC 1951) in `event_deflated`, and
 * `event` is NULL; an event written before keeps its text and no bytes. Exactly one of the two
 * is set. Adding a nullable column without a default rewrites nothing (PostgreSQL docs, "ALTER
 * TABLE", Notes); the check scans the table once. Postgres compresses only values of a row past
 * about 2 kB on its own (PostgreSQL docs, "73.2. TOAST"), which no event reaches.
 */
export const eventsV10 = (s: string): string => `
      ALTER TABLE ${s}.pipkit_events
        ALTER COLUMN event DROP NOT NULL,
        ADD COLUMN event_deflated bytea,
        ADD CONSTRAINT pipkit_events_one_body CHECK ((event IS NULL) <> (event_deflated IS NULL));
`;

/**
 * `pipkit_read_events` on migration 10's layout: as version 8's, with `event_deflated` beside
 * `event` (the store decompresses it). Dropped and created again: its result columns change.
 */
export const readEventsV10 = (s: string): string => `
      DROP FUNCTION ${s}.pipkit_read_events(text, text, integer);
      CREATE FUNCTION ${s}.pipkit_read_events(p_tenant text, p_pip_id text, p_after integer)
      RETURNS TABLE (seq integer, event text, event_deflated bytea, prev_hash text, hash text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY
          SELECT r.seq, r.event, r.event_deflated, r.prev_hash, r.hash FROM (
            SELECT e.seq, e.event, e.event_deflated,
                   coalesce(e.prev_hash, encode(lag(e.hash) OVER (ORDER BY e.seq), 'hex'),
                            ${GENESIS}) AS prev_hash,
                   encode(e.hash, 'hex') AS hash
              FROM ${s}.pipkit_events e
             WHERE e.tenant_id = p_tenant AND e.pip_id = p_pip_id AND e.seq >= p_after
          ) r
          WHERE r.seq > p_after
          ORDER BY r.seq;
      END
      $fn$;
`;
