import { createHash } from 'node:crypto';
import { sqliteStore } from '@pipkit/sqlite';
import { describe, expect, it } from 'vitest';
import { createServiceEngine } from './config.js';
import { eventually, openBody, startService } from './__fixtures__/service.js';
import { redactUrl, REDACTED_PATHS } from './logging.js';
import { runWorker } from './worker.js';

/** Values that are personal data: none may appear in any log line. */
const secrets = {
  employeeId: 'emp-SECRET-ada-lovelace',
  managerId: 'mgr-SECRET-grace-hopper',
  hrId: 'hr-SECRET-frances-allen',
  goal: 'SECRET goal: stop arguing with the CTO',
  measure: 'SECRET measure: zero complaints from Bob',
  documentRef: 'dms://SECRET/medical-letter.pdf',
  hostRef: 'case-SECRET-4711',
  witnessId: 'wit-SECRET-charles-babbage',
  reason: 'SECRET-burnout',
  matterRef: 'matter-SECRET-doe-v-acme',
  // Not a token the service keeps as a request id: replaced, never logged.
  requestId: 'SECRET request id, '.repeat(20),
};

describe('log redaction', () => {
  it('never writes a personal field to the log, while still logging the requests', async () => {
    const store = sqliteStore({ path: ':memory:' });
    const service = await startService(store, { storeName: 'sqlite' });
    const manager = { id: secrets.managerId, role: 'manager' } as const;
    const hr = { id: secrets.hrId, role: 'hr' } as const;
    const plan = {
      kind: 'planDocument',
      ref: secrets.documentRef,
      sha256: createHash('sha256').update('plan').digest('hex'),
    };
    try {
      const opened = await service.request('POST', '/pips', {
        as: manager,
        body: {
          ...openBody('pip-private', secrets.employeeId),
          managerId: secrets.managerId,
          goals: [{ id: 'g1', description: secrets.goal, measure: secrets.measure }],
        },
      });
      expect(opened.status).toBe(201);
      const send = (actor: typeof manager | typeof hr, body: unknown, version: number) =>
        service.request('POST', '/pips/pip-private/commands', {
          as: actor,
          body,
          headers: { 'if-match': `"${version}"` },
        });
      const submitted = await send(manager, { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] }, 1);
      expect(submitted.status).toBe(200);
      let version = (submitted.json.pip as { version: number }).version;
      const approved = await send(hr, { type: 'APPROVE' }, version);
      expect(approved.status).toBe(200);
      version = (approved.json.pip as { version: number }).version;
      // Refused and forbidden commands carrying personal data: their problems are logged too.
      const refusal = await send(
        manager,
        { type: 'RECORD_REFUSAL', documentSha256: plan.sha256, witnessId: secrets.witnessId },
        version,
      );
      expect(refusal.status).toBe(200);
      version = (refusal.json.pip as { version: number }).version;
      const paused = await send(
        hr,
        { type: 'PAUSE', category: 'medicalLeave', hostRef: secrets.hostRef },
        version,
      );
      expect(paused.status).toBe(200);
      const held = await service.request('POST', '/pips/pip-private/commands', {
        as: { id: 'legal-1', role: 'legal' },
        body: { type: 'PLACE_LEGAL_HOLD', matterRef: secrets.matterRef },
        headers: { 'if-match': '*', 'x-request-id': secrets.requestId },
      });
      expect(held.status).toBe(200);
      const refused = await send(manager, { type: 'EXTEND', amount: 5, reason: secrets.reason }, 1);
      expect(refused.status).toBe(412);
      const forbidden = await service.request('GET', '/pips/pip-private', {
        as: { id: secrets.employeeId, role: 'hr' },
      });
      expect(forbidden.status).toBe(403);
      const listed = await service.request(
        'GET',
        `/pips?employeeId=${secrets.employeeId}&managerId=${secrets.managerId}`,
        { as: hr },
      );
      expect(listed.status).toBe(200);

      // The worker relays the outbox; its notifications carry employee and manager ids.
      const controller = new AbortController();
      const engine = createServiceEngine(store, service.clock);
      const worker = runWorker({
        engine,
        logger: service.logs.logger,
        signal: controller.signal,
        idleMs: 5,
      });
      await eventually(async () => (await store.pendingOutbox(1)).length === 0, 'outbox relayed');
      controller.abort();
      expect((await worker).delivered).toBeGreaterThan(0);
    } finally {
      await service.close();
      await store.close();
    }

    const text = service.logs.text();
    // The log did record these requests and their data, redacted.
    expect(text).toContain('pip-private');
    expect(text).toContain('"msg":"command accepted"');
    expect(text).toContain('"msg":"pip opened"');
    expect(text).toContain('notification');
    expect(text).toContain('[Redacted]');
    expect(text).toContain('PLACE_LEGAL_HOLD');
    // The forbidden read is a refused attempt for security review: role, action, codes, no id.
    const refusals = text
      .split('\n')
      .filter((line) => line.includes('"msg":"refused attempt"'))
      .map((line) => JSON.parse(line) as { refusal: Record<string, unknown> });
    expect(refusals.map((line) => line.refusal.action)).toContain('READ');
    expect(refusals.find((line) => line.refusal.action === 'READ')?.refusal).toMatchObject({
      actor: { id: '[Redacted]', role: 'hr' },
      pipId: 'pip-private',
      outcome: 'FORBIDDEN',
    });
    for (const [field, value] of Object.entries(secrets)) {
      expect(text.includes(value), `${field} leaked into the log`).toBe(false);
    }
  });

  it('redacts every query value but state, limit, after and locale, and path segments that are not ids, in logged URLs', () => {
    expect(redactUrl('/pips?employeeId=emp-1&state=draft&managerId=m')).toBe(
      '/pips?employeeId=%5BRedacted%5D&state=draft&managerId=%5BRedacted%5D',
    );
    expect(redactUrl('/pips/pip-1')).toBe('/pips/pip-1');
    expect(redactUrl('/pips?access_token=abc&limit=5')).toBe(
      '/pips?access_token=%5BRedacted%5D&limit=5',
    );
    expect(redactUrl('/pips/jane%20roe/timeline?locale=de')).toBe(
      '/pips/[Redacted]/timeline?locale=de',
    );
    expect(REDACTED_PATHS).toContain('actor.id');
  });
});
