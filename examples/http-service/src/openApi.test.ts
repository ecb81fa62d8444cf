import { COMMAND_TYPES, memoryStore, PIP_EVENT_TYPES } from '@pipkit/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  document,
  openBody,
  people,
  type Response,
  startService,
  type TestService,
} from './__fixtures__/service.js';
import { EVENT_TYPES } from './recordSchemas.js';

interface Operation {
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

/** A JSON pointer into the document, as a URI fragment (RFC 6901 section 6). */
const pointer = (...segments: string[]) =>
  'openapi#/' +
  segments
    .map((segment) => encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1')))
    .join('/');

describe('the OpenAPI document', () => {
  let service: TestService;
  let spec: OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its function is the module's `default` under Node's ESM interop.
  (addFormats as unknown as { default: (instance: Ajv2020) => void }).default(ajv);
  const checked: string[] = [];

  beforeAll(async () => {
    service = await startService(memoryStore());
    spec = (await service.request('GET', '/openapi.json')).json as unknown as OpenApiDocument;
    ajv.addSchema(spec, 'openapi');
  });
  afterAll(() => service.close());

  /** Sends a request and checks the answer against the operation's declared response. */
  const call = async (
    method: string,
    route: string,
    path: string,
    options: Parameters<TestService['request']>[2] = {},
  ): Promise<Response> => {
    const response = await service.request(method, path, options);
    const operation = spec.paths[route]?.[method.toLowerCase()];
    expect(operation, `${method} ${route} is documented`).toBeDefined();
    const declared = operation?.responses[String(response.status)];
    expect(declared, `${method} ${route} declares ${response.status}`).toBeDefined();
    if (response.status === 304) return response;
    const type = response.headers.get('content-type')?.split(';')[0] ?? '';
    expect(Object.keys(declared?.content ?? {}), `${method} ${route} ${response.status}`).toEqual([
      type,
    ]);
    const validate = ajv.compile({
      $ref: pointer(
        'paths',
        route,
        method.toLowerCase(),
        'responses',
        String(response.status),
        'content',
        type,
        'schema',
      ),
    });
    expect(validate(response.body), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    checked.push(`${method} ${route} ${response.status}`);
    return response;
  };

  it('describes every live answer of a PIP through its life, errors included', async () => {
    const plan = document('planDocument', 'the plan');
    const opened = await call('POST', '/pips', '/pips', { body: openBody('pip-doc') });
    expect(opened.status).toBe(201);
    const send = async (as: (typeof people)[keyof typeof people], body: unknown) => {
      const response = await call('POST', '/pips/{id}/commands', '/pips/pip-doc/commands', {
        as,
        body,
        headers: { 'if-match': '*' },
      });
      expect(response.status, JSON.stringify(response.json)).toBe(200);
    };
    await send(people.manager, { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] });
    await send(people.hr, { type: 'APPROVE' });
    await send(people.manager, {
      type: 'RECORD_REFUSAL',
      documentSha256: plan.sha256,
      witnessId: 'w-1',
    });
    await send(people.hr, { type: 'PAUSE', category: 'medicalLeave', hostRef: 'case-1' });
    service.clock.advance({ days: 3 });
    await send(people.hr, { type: 'RESUME' });
    await send({ id: 'legal-1', role: 'legal' } as never, {
      type: 'PLACE_LEGAL_HOLD',
      matterRef: 'm-1',
    });

    const reads: [string, string][] = [
      ['/pips/{id}', '/pips/pip-doc'],
      ['/pips/{id}/timeline', '/pips/pip-doc/timeline'],
      ['/pips/{id}/timeline/rows', '/pips/pip-doc/timeline/rows?locale=de'],
      ['/pips/{id}/deadlines', '/pips/pip-doc/deadlines'],
      ['/pips/{id}/verify', '/pips/pip-doc/verify'],
      ['/pips/{id}/invites.ics', '/pips/pip-doc/invites.ics'],
      ['/pips', '/pips?limit=5'],
    ];
    for (const [route, path] of reads) {
      expect((await call('GET', route, path, { as: people.hr })).status).toBe(200);
    }
    const timeline = await call('GET', '/pips/{id}/timeline', '/pips/pip-doc/timeline');
    const types = (timeline.json.events as { event: { type: string } }[]).map((e) => e.event.type);
    // Every event the flow produced has its own named schema, not the fallback.
    for (const type of types) expect(EVENT_TYPES).toContain(type);
    expect(
      (await call('GET', '/pips/{id}', '/pips/pip-doc', { headers: { 'if-none-match': '*' } }))
        .status,
    ).toBe(304);

    await call('POST', '/pips/query', '/pips/query', { as: people.hr, body: { overdue: false } });
    await call('POST', '/pips/count', '/pips/count', { as: people.hr, body: {} });
    await call('POST', '/reports', '/reports', { as: people.hr, body: { name: 'openByState' } });
    await call('POST', '/pips/{id}/explain', '/pips/pip-doc/explain', {
      body: { type: 'EXTEND', amount: 5, reason: 'x' },
    });
    await call('GET', '/healthz', '/healthz', { as: null });

    const problems: [string, string, string, Parameters<TestService['request']>[2], number][] = [
      ['POST', '/pips', '/pips', { raw: '{' }, 400],
      ['POST', '/pips', '/pips', { as: null, body: openBody() }, 401],
      ['GET', '/pips/{id}', '/pips/pip-doc', { as: people.employee }, 200],
      ['GET', '/pips/{id}', '/pips/pip-doc', { as: { id: 'mgr-x', role: 'manager' } }, 403],
      ['GET', '/pips/{id}', '/pips/nobody', {}, 404],
      ['POST', '/pips', '/pips', { body: openBody('pip-doc') }, 409],
      [
        'POST',
        '/pips/{id}/commands',
        '/pips/pip-doc/commands',
        { body: { type: 'APPROVE' }, headers: { 'if-match': '"1"' } },
        412,
      ],
      ['POST', '/pips/{id}/commands', '/pips/pip-doc/commands', { body: { type: 'APPROVE' } }, 428],
      [
        'POST',
        '/pips/{id}/commands',
        '/pips/pip-doc/commands',
        { as: people.hr, body: { type: 'APPROVE' }, headers: { 'if-match': '*' } },
        422,
      ],
      ['POST', '/pips/query', '/pips/query', { body: { sort: 'salary' } }, 400],
    ];
    for (const [method, route, path, options, status] of problems) {
      const response = await call(method, route, path, options);
      expect(response.status, `${method} ${path}`).toBe(status);
    }
    expect(checked.length).toBeGreaterThan(25);
  });

  it('marks If-Match required, types the context and events, and tags the commands by type', () => {
    const command = spec.paths['/pips/{id}/commands']?.post;
    expect(command?.parameters).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'if-match', required: true }),
    );
    const schemas = spec.components.schemas;
    const commandUnion = schemas.CommandInput as {
      oneOf: unknown[];
      discriminator: { propertyName: string; mapping: Record<string, string> };
    };
    expect(commandUnion.oneOf).toHaveLength(COMMAND_TYPES.length);
    expect(commandUnion.discriminator.propertyName).toBe('type');
    expect(Object.keys(commandUnion.discriminator.mapping).sort()).toEqual(
      [...COMMAND_TYPES].sort(),
    );
    expect(commandUnion.discriminator.mapping.APPROVE).toBe(
      '#/components/schemas/ApproveCommandInput',
    );
    expect(schemas.PipRecord?.properties).toMatchObject({
      context: { $ref: '#/components/schemas/PipContext' },
    });
    const events = schemas.PipEvent as {
      oneOf: unknown[];
      discriminator: { mapping: Record<string, string> };
    };
    expect(Object.keys(events.discriminator.mapping).sort()).toEqual([...EVENT_TYPES].sort());
    // Every event pipkit can record has its own named schema, not the fallback.
    expect([...EVENT_TYPES].sort()).toEqual([...PIP_EVENT_TYPES].sort());
    expect(schemas.ReportRequestInput?.discriminator).toMatchObject({ propertyName: 'name' });
    expect(schemas.PipContext?.properties).toHaveProperty('deadlines');
  });

  it('answers every error as problem+json and requires a bearer token everywhere but /healthz', () => {
    for (const [route, operations] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) >= 400) {
            expect(Object.keys(response.content ?? {}), `${method} ${route} ${status}`).toEqual([
              'application/problem+json',
            ]);
          }
        }
        const secured = (operation as { security?: unknown[] }).security;
        expect(secured, `${method} ${route}`).toEqual(
          route === '/healthz' ? undefined : [{ bearer: [] }],
        );
      }
    }
  });

  it('validates a command body against its named schema', () => {
    const validate = ajv.compile({ $ref: pointer('components', 'schemas', 'CommandInput') });
    expect(validate({ type: 'PAUSE', category: 'medicalLeave', hostRef: 'case-1' })).toBe(true);
    expect(validate({ type: 'PAUSE', category: 'medicalLeave' })).toBe(false);
    expect(validate({ type: 'FIRE_EVERYONE' })).toBe(false);
  });
});
