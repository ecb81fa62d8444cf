/**
 * The outbox family: `pipkit_pending_outbox`, `pipkit_claim_outbox`, `pipkit_mark_delivered`. Each export is a function of the
 * quoted schema name returning DDL; a released one never changes (see `MIGRATIONS`).
 * @module
 */
import { SET_TENANT } from './shared.js';

/** Version 1 of `pipkit_pending_outbox`: undelivered messages, oldest first. */
export const pendingOutboxV1 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_pending_outbox(p_tenant text, p_limit integer)
      RETURNS TABLE (id text, pip_id text, type text, payload text, created_at text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT o.id::text, o.pip_id::text, o.type, o.payload, o.created_at
                       FROM ${s}.pipkit_outbox o
                      WHERE o.tenant_id = p_tenant AND o.delivered_at IS NULL
                      ORDER BY o.position
                      LIMIT p_limit;
      END
      $fn$;
`;

/** How one outbox claim function differs from another; the query around it is the same. */
export interface OutboxClaimShape {
  /** The function's name, without the schema. */
  readonly name: string;
  /** The parameters after `p_tenant text, p_owner text, p_lease_ms double precision`. */
  readonly params: string;
  /** The `RETURNS TABLE` column list, in parentheses. */
  readonly returns: string;
  /** Which rows still wait for delivery, for a table alias. */
  readonly unsettled: (alias: string) => string;
  /** An extra condition on a PIP's oldest message (a head), or none. */
  readonly headFilter?: string;
  /** What the lease's `UPDATE` returns. */
  readonly returning: string;
  /** The columns selected from the claimed rows (alias `c`). */
  readonly columns: string;
}

/**
 * A claim function: like `pipkit_claim_timers` for the outbox, a PIP at a time so that its
 * messages stay in order. It picks PIPs whose oldest unsettled message is free (no live lease of
 * another relay), passes `headFilter` and is not being claimed right now, and leases all of
 * their unsettled messages. A relay that locks a PIP's oldest message holds the PIP; its later
 * messages are never a candidate while an earlier one is unsettled.
 */
export const claimOutboxFunction = (s: string, shape: OutboxClaimShape): string => `
      CREATE FUNCTION ${s}.${shape.name}(
        p_tenant text, p_owner text, p_lease_ms double precision, ${shape.params}
      ) RETURNS TABLE ${shape.returns}
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY
          WITH heads AS (
            SELECT h.pip_id FROM ${s}.pipkit_outbox h
             WHERE h.tenant_id = p_tenant AND ${shape.unsettled('h')}${shape.headFilter === undefined ? '' : `\n               AND ${shape.headFilter}`}
               AND (h.leased_until IS NULL OR h.leased_until <= now() OR h.leased_by = p_owner)
               AND NOT EXISTS (
                   SELECT 1 FROM ${s}.pipkit_outbox e
                    WHERE e.tenant_id = p_tenant AND e.pip_id = h.pip_id
                      AND ${shape.unsettled('e')} AND e.position < h.position)
             ORDER BY h.position
             LIMIT p_limit
               FOR UPDATE SKIP LOCKED),
          claimed AS (
            UPDATE ${s}.pipkit_outbox o
               SET leased_by = p_owner,
                   leased_until = now() + p_lease_ms * interval '1 millisecond'
             WHERE o.tenant_id = p_tenant AND ${shape.unsettled('o')}
               AND o.pip_id IN (SELECT heads.pip_id FROM heads)
            RETURNING ${shape.returning})
          SELECT ${shape.columns} FROM claimed c ORDER BY c.position;
      END
      $fn$;
`;

/** Version 1's `pipkit_claim_outbox` shape, given which rows are undelivered. */
export const claimOutboxShapeV1 = (unsettled: (alias: string) => string): OutboxClaimShape => ({
  name: 'pipkit_claim_outbox',
  params: 'p_limit integer',
  returns: '(id text, pip_id text, type text, payload text, created_at text)',
  unsettled,
  returning: 'o.position, o.id, o.pip_id, o.type, o.payload, o.created_at',
  columns: 'c.id::text, c.pip_id::text, c.type, c.payload, c.created_at',
});

/** What `pipkit_claim_outbox` does, as a comment in the DDL. */
export const CLAIM_OUTBOX_COMMENT = `
      -- Like pipkit_claim_timers for the outbox, a PIP at a time so that its messages stay in
      -- order: picks PIPs whose oldest undelivered message is free (no live lease of another
      -- relay) and not being claimed right now, and leases all of their undelivered messages. A
      -- relay that locks a PIP's oldest message holds the PIP; its later messages are never a
      -- candidate while an earlier one is undelivered.`;

/** Version 1 of `pipkit_claim_outbox`: leases whole PIPs' undelivered messages. */
export const claimOutboxV1 = (s: string): string =>
  CLAIM_OUTBOX_COMMENT +
  claimOutboxFunction(
    s,
    claimOutboxShapeV1((a) => `${a}.delivered_at IS NULL`),
  );

/** Version 1 of `pipkit_mark_delivered`. */
export const markDeliveredV1 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_mark_delivered(p_tenant text, p_ids text[])
      RETURNS void LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        UPDATE ${s}.pipkit_outbox o
           SET delivered_at = now(), leased_by = NULL, leased_until = NULL
         WHERE o.tenant_id = p_tenant AND o.id = ANY (p_ids) AND o.delivered_at IS NULL;
      END
      $fn$;
`;

/**
 * `pipkit_write_outbox`: one outbox message from a jsonb document (`id`, `pip_id`, `type`,
 * `payload` as JSON text, `created_at`). A message with the same id is replaced and pending
 * again, as the memory store's map does: a timer parked again at the same due time.
 */
export const writeOutboxV3 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_write_outbox(p_tenant text, p_message jsonb)
      RETURNS void LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        INSERT INTO ${s}.pipkit_outbox (tenant_id, id, pip_id, type, payload, created_at)
        VALUES (p_tenant, p_message->>'id', p_message->>'pip_id', p_message->>'type',
                p_message->>'payload', p_message->>'created_at')
        ON CONFLICT (tenant_id, id) DO UPDATE
          SET pip_id = excluded.pip_id, type = excluded.type, payload = excluded.payload,
              created_at = excluded.created_at, delivered_at = NULL, leased_by = NULL,
              leased_until = NULL;
      END
      $fn$;
`;
