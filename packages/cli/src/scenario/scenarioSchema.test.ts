import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatPath, parseScenario, ScenarioFileError } from './loadScenario.js';
import { scenarioJsonSchema, scenarioSchema } from './scenarioSchema.js';
import { toInstant } from './scenarioTime.js';
import { shorthandDocument } from './scenarioCommands.js';
import { simulateScenario } from './simulate.js';

const minimal = {
  name: 'minimal',
  policy: 'default',
  pips: [{ id: 'p-1', employee: { id: 'e-1', timeZone: 'Europe/London' }, managerId: 'm-1' }],
  steps: [{ at: '2026-03-02T09:00', as: 'manager', open: 'p-1' }],
};

function problemsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof ScenarioFileError)
      return error.problems.map((problem) => ({ ...problem, where: formatPath(problem.path) }));
    throw error;
  }
  throw new Error('expected a ScenarioFileError');
}

describe('the scenario schema', () => {
  it('accepts a minimal scenario and applies the documented defaults', () => {
    const scenario = scenarioSchema.parse(minimal);
    expect(scenario.sweep).toBe('auto');
    expect(scenario.steps).toHaveLength(1);
  });

  it('refuses unknown fields, naming the path, so a typo never silently disables a check', () => {
    const result = scenarioSchema.safeParse({
      ...minimal,
      steps: [{ at: '2026-03-02T09:00', as: 'manager', open: 'p-1', expect: { stat: 'draft' } }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      path: ['steps', 0, 'expect'],
    });
  });

  it('says what a policy may be when it is neither a preset name nor an inline document', () => {
    const result = scenarioSchema.safeParse({ ...minimal, policy: { preset: 'usFederal432' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [
        ['policy'],
        'Expected a preset name (policy: usFederal432) or an inline policy (policy: { document: {...} }).',
      ],
    ]);
  });

  it('refuses an unknown command field and an unknown command type', () => {
    const steps = [
      minimal.steps[0],
      { as: 'manager', command: { type: 'ISSUE', documnets: ['planDocument'] } },
      { as: 'manager', command: { type: 'FIRE_EVERYONE' } },
    ];
    const result = scenarioSchema.safeParse({ ...minimal, steps });
    const paths = result.error?.issues.map((issue) => formatPath(issue.path));
    expect(paths).toEqual(['steps[1].command', 'steps[2].command.type']);
  });

  it('refuses a time without a date-time shape, saying what it expected', () => {
    const result = scenarioSchema.safeParse({
      ...minimal,
      steps: [{ at: '2 March 2026', as: 'manager', open: 'p-1' }],
    });
    expect(result.error?.issues[0]?.message).toMatch(/local date-time in the employee's zone/);
  });

  it('refuses a step that does two things, a command without an actor, and a refusal without a command', () => {
    const result = scenarioSchema.safeParse({
      ...minimal,
      steps: [
        minimal.steps[0],
        { advanceTo: '2026-03-03T09:00', command: { type: 'ISSUE' }, as: 'manager' },
        { command: { type: 'ISSUE' } },
        { advanceTo: '2026-03-04T09:00', expect: { refused: 'NOT_ALLOWED_IN_STATE' } },
      ],
    });
    const messages = result.error?.issues.map(
      (issue) => `${formatPath(issue.path)}: ${issue.message}`,
    );
    expect(messages).toEqual([
      'steps[1].command: A step does one thing: open, command or advanceTo.',
      'steps[2].as: This step needs `as`: who acts (manager, employee, hr, system, a name from actors, or { id, role }).',
      'steps[3].expect: Only an open or a command can be refused.',
    ]);
  });

  it('needs the PIP named on every step once a scenario has several, and a start time', () => {
    const pips = [...minimal.pips, { ...minimal.pips[0], id: 'p-2' }];
    const result = scenarioSchema.safeParse({
      ...minimal,
      pips,
      steps: [
        { as: 'manager', open: 'p-1' },
        { expect: { state: 'draft' } },
        { pip: 'p-3', expect: {} },
      ],
    });
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'The first step needs `at` (or advanceTo): the simulated clock starts there.',
      'This scenario has 2 PIPs: say which one with pip.',
      'No PIP "p-3" in pips (p-1, p-2).',
    ]);
  });

  it('is published as JSON Schema: the committed file is exactly what the zod schema generates', () => {
    const committed = readFileSync(
      fileURLToPath(new URL('../../schema/scenario.schema.json', import.meta.url)),
      'utf8',
    );
    // Regenerate with `pnpm --filter @pipkit/cli schema` after changing a schema.
    expect(JSON.parse(committed)).toEqual(scenarioJsonSchema());
    expect(scenarioJsonSchema()).toMatchObject({ type: 'object', additionalProperties: false });
  });
});

describe('reading a scenario file', () => {
  it('reports the file, the path, the line and what was expected', () => {
    const text = [
      'name: broken',
      'policy: default',
      'pips:',
      '  - { id: p-1, employee: { id: e-1, timeZone: Europe/London }, managerId: m-1 }',
      'steps:',
      '  - at: 2026-03-02T09:00',
      '    as: manager',
      '    open: p-1',
      '    expect: { state: drafted }',
    ].join('\n');
    const [problem] = problemsOf(() => parseScenario(text, 'broken.yaml'));
    expect(problem).toMatchObject({ where: 'steps[0].expect.state', line: 9 });
    expect(problem?.message).toMatch(/expected one of "draft"/);
  });

  it('reports YAML syntax errors with their line', () => {
    const [problem] = problemsOf(() =>
      parseScenario('name: [unclosed\npolicy: default\n', 'bad.yaml'),
    );
    expect(problem?.message).toMatch(/not valid YAML or JSON/);
    expect(problem?.line).toBe(2);
  });

  it('refuses an unknown preset when the scenario runs, listing the presets', async () => {
    const loaded = parseScenario(JSON.stringify({ ...minimal, policy: 'noSuchPreset' }), 'x.json');
    const error = await simulateScenario(loaded).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ScenarioFileError);
    expect((error as ScenarioFileError).problems[0]).toMatchObject({ path: ['policy'] });
    expect((error as ScenarioFileError).message).toMatch(
      /Unknown preset "noSuchPreset"\. Presets: default/,
    );
  });
});

describe('scenario time', () => {
  it("reads a local date-time in the employee's zone and an instant as it is", () => {
    expect(toInstant('2026-03-09T09:00', 'America/New_York', [])).toBe('2026-03-09T13:00:00.000Z');
    expect(toInstant('2026-03-06T09:00', 'America/New_York', [])).toBe('2026-03-06T14:00:00.000Z');
    expect(toInstant('2026-03-09T09:00+01:00', 'America/New_York', [])).toBe(
      '2026-03-09T08:00:00.000Z',
    );
  });

  it('refuses a local time the clocks jump over', () => {
    expect(() => toInstant('2026-03-08T02:30', 'America/New_York', ['steps', 4, 'at'])).toThrow(
      /does not exist in America\/New_York/,
    );
  });

  it('gives document shorthands a stable reference and hash', () => {
    expect(shorthandDocument('p-1', 'planDocument:v2')).toEqual({
      kind: 'planDocument',
      ref: 'scenario://p-1/planDocument/v2',
      sha256: 'ac6570806c21d6998bfd6dfc64c029d1f3c9f70558b69e70ea4f12cf6824bf82',
    });
  });
});
