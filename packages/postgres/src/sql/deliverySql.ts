/**
 * Migration 9: the outbox's delivery state (attempts, last error, next attempt, dead letters)
 * and the relay's functions over it. Each export is a function of the quoted schema name
 * returning DDL; a released one never changes (see `MIGRATIONS`).
 * @module
 */
import {
  CLAIM_OUTBOX_COMMENT,
  claimOutboxFunction,
  claimOutboxShapeV1,
  pendingOutboxV1,
  writeOutboxV3,
} from './outboxSql.js';
import { isoOf, SET_TENANT } from './shared.js';

/** Neither delivered nor dead-lettered, for a table alias. */
const pending = (a: string) => `${a}.delivered_at IS NULL AND ${a}.dead_at IS NULL`;
/** A dead letter not retried or discarded, for a table alias. */
const dead = (a: string) =>
  `${a}.dead_at IS NOT NULL AND ${a}.discarded_at IS NULL AND ${a}.delivered_at IS NULL`;

/** The message columns the relay reads, for a table alias, with its delivery state. */
const messageColumns = (a: string) =>
  `${a}.id::text, ${a}.pip_id::text, ${a}.type, ${a}.payload, ${a}.created_at, ${a}.attempts,
   ${isoOf(`${a}.next_attempt_at`)}, ${a}.last_error_code, ${a}.last_error_message,
   ${isoOf(`${a}.last_error_at`)}`;

const MESSAGE_TABLE = `(id text, pip_id text, type text, payload text, created_at text,
        attempts integer, next_attempt_at text, last_error_code text, last_error_message text,
        last_error_at text)`;

/** Version 9's columns and indexes, and version 1's outbox readers leaving dead letters out. */
const deliveryTablesV9 = (s: string): string => `
      ALTER TABLE ${s}.pipkit_outbox
        ADD COLUMN attempts           integer NOT NULL DEFAULT 0,
        ADD COLUMN next_attempt_at    timestamptz,
        ADD COLUMN last_error_code    text,
        ADD COLUMN last_error_message text,
        ADD COLUMN last_error_at      timestamptz,
        ADD COLUMN dead_at            timestamptz,
        ADD COLUMN discarded_at       timestamptz;
      DROP INDEX ${s}.pipkit_outbox_pending;
      CREATE INDEX pipkit_outbox_pending ON ${s}.pipkit_outbox (tenant_id, position)
        WHERE delivered_at IS NULL AND dead_at IS NULL;
      -- Only the messages waiting for a later attempt (few): the relay's page probes it per PIP.
      CREATE INDEX pipkit_outbox_waiting ON ${s}.pipkit_outbox (tenant_id, pip_id, position)
        WHERE next_attempt_at IS NOT NULL AND delivered_at IS NULL AND dead_at IS NULL;
      CREATE INDEX pipkit_outbox_dead ON ${s}.pipkit_outbox (tenant_id, id)
        WHERE dead_at IS NOT NULL AND discarded_at IS NULL AND delivered_at IS NULL;
      ${pendingOutboxV1(s)
        .replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION')
        .replace('o.delivered_at IS NULL', pending('o'))}
      ${CLAIM_OUTBOX_COMMENT.trim()}${claimOutboxFunction(s, claimOutboxShapeV1(pending)).replace(
        'CREATE FUNCTION',
        'CREATE OR REPLACE FUNCTION',
      )}
      ${writeOutboxV3(s)
        .replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION')
        .replace(
          'leased_until = NULL;',
          `leased_until = NULL, attempts = 0, next_attempt_at = NULL, last_error_code = NULL,
              last_error_message = NULL, last_error_at = NULL, dead_at = NULL, discarded_at = NULL;`,
        )}
`;

/** Version 9's readers: the relay's page and claim at the engine's `now`, and the dead letters. */
const deliveryReadersV9 = (s: string): string => `
      -- Undelivered, not dead messages, oldest first; given p_now, a message is left out when it
      -- or an earlier pending message of its PIP waits for a later attempt.
      CREATE FUNCTION ${s}.pipkit_outbox_due(p_tenant text, p_now timestamptz, p_limit integer)
      RETURNS TABLE ${MESSAGE_TABLE}
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT ${messageColumns('o')}
                       FROM ${s}.pipkit_outbox o
                      WHERE o.tenant_id = p_tenant AND ${pending('o')}
                        AND (p_now IS NULL OR NOT EXISTS (
                            SELECT 1 FROM ${s}.pipkit_outbox w
                             WHERE w.tenant_id = p_tenant AND w.pip_id = o.pip_id
                               AND w.position <= o.position AND w.next_attempt_at > p_now
                               AND ${pending('w')}))
                      ORDER BY o.position
                      LIMIT p_limit;
      END
      $fn$;

      -- pipkit_claim_outbox at p_now: a PIP whose oldest pending message waits is not claimed.
      ${claimOutboxFunction(s, {
        name: 'pipkit_claim_outbox_due',
        params: 'p_now timestamptz, p_limit integer',
        returns: MESSAGE_TABLE,
        unsettled: pending,
        headFilter: '(h.next_attempt_at IS NULL OR p_now IS NULL OR h.next_attempt_at <= p_now)',
        returning: 'o.*',
        columns: messageColumns('c'),
      }).trim()}

      CREATE FUNCTION ${s}.pipkit_dead_letters(
        p_tenant text, p_pip_id text, p_after_id text, p_limit integer
      ) RETURNS TABLE (id text, pip_id text, type text, created_at text, attempts integer,
        last_error_code text, last_error_message text, last_error_at text, dead_at text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT o.id::text, o.pip_id::text, o.type, o.created_at, o.attempts,
                            o.last_error_code, o.last_error_message,
                            ${isoOf('o.last_error_at')}, ${isoOf('o.dead_at')}
                       FROM ${s}.pipkit_outbox o
                      WHERE o.tenant_id = p_tenant AND ${dead('o')}
                        AND (p_pip_id IS NULL OR o.pip_id = p_pip_id)
                        AND (p_after_id IS NULL OR o.id > p_after_id)
                      ORDER BY o.id
                      LIMIT p_limit;
      END
      $fn$;
`;

/** Version 9's writes: each one statement, answering whether it changed the message. */
const deliveryWritesV9 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_record_outbox_failure(
        p_tenant text, p_id text, p_attempts integer, p_code text, p_message text,
        p_at timestamptz, p_next timestamptz
      ) RETURNS TABLE (recorded boolean) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        UPDATE ${s}.pipkit_outbox o
           SET attempts = p_attempts, next_attempt_at = p_next, last_error_code = p_code,
               last_error_message = p_message, last_error_at = p_at
         WHERE o.tenant_id = p_tenant AND o.id = p_id AND o.attempts = p_attempts - 1
           AND ${pending('o')};
        recorded := FOUND;
        RETURN NEXT;
      END
      $fn$;

      CREATE FUNCTION ${s}.pipkit_dead_letter_outbox(p_tenant text, p_id text, p_at timestamptz)
      RETURNS TABLE (recorded boolean) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        UPDATE ${s}.pipkit_outbox o
           SET dead_at = p_at, next_attempt_at = NULL, leased_by = NULL, leased_until = NULL
         WHERE o.tenant_id = p_tenant AND o.id = p_id AND ${pending('o')};
        recorded := FOUND;
        RETURN NEXT;
      END
      $fn$;

      CREATE FUNCTION ${s}.pipkit_retry_dead_letter(p_tenant text, p_id text)
      RETURNS TABLE (recorded boolean) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        UPDATE ${s}.pipkit_outbox o
           SET dead_at = NULL, attempts = 0, next_attempt_at = NULL
         WHERE o.tenant_id = p_tenant AND o.id = p_id AND ${dead('o')};
        recorded := FOUND;
        RETURN NEXT;
      END
      $fn$;

      CREATE FUNCTION ${s}.pipkit_discard_dead_letter(p_tenant text, p_id text)
      RETURNS TABLE (recorded boolean) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        UPDATE ${s}.pipkit_outbox o SET discarded_at = now()
         WHERE o.tenant_id = p_tenant AND o.id = p_id AND ${dead('o')};
        recorded := FOUND;
        RETURN NEXT;
      END
      $fn$;

      -- Migration 8's compaction, deleting discarded dead letters too.
      CREATE OR REPLACE FUNCTION ${s}.pipkit_compact_outbox(p_tenant text, p_before timestamptz)
      RETURNS TABLE (deleted integer) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        DELETE FROM ${s}.pipkit_outbox o
         WHERE o.tenant_id = p_tenant
           AND ((o.delivered_at IS NOT NULL AND o.delivered_at < p_before)
             OR (o.discarded_at IS NOT NULL AND o.discarded_at < p_before));
        GET DIAGNOSTICS deleted = ROW_COUNT;
        INSERT INTO ${s}.pipkit_outbox_compaction AS c (tenant_id, delivered_before)
        VALUES (p_tenant, p_before)
        ON CONFLICT (tenant_id) DO UPDATE
          SET delivered_before = greatest(c.delivered_before, excluded.delivered_before);
        RETURN NEXT;
      END
      $fn$;
`;

/** Migration 9 whole. */
export const outboxDeliveryV9 = (s: string): string =>
  [deliveryTablesV9(s), deliveryReadersV9(s), deliveryWritesV9(s)].join('');
