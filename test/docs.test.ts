import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// The root has no dependency on @pipkit/cli (it would be circular with the demo script); read its source.
import { COMMANDS } from '../packages/cli/src/cli.js';
import { computeDueDate, createCalendar, durations, toMermaid } from '@pipkit/core';
import { describe, expect, it } from 'vitest';

const read = (path: string) =>
  readFileSync(fileURLToPath(new URL(`../${path}`, import.meta.url)), 'utf8');

describe('the docs stay true', () => {
  it('draws the lifecycle exactly as the machine defines it, in the README and the concepts guide', () => {
    const diagram = toMermaid();
    expect(read('README.md')).toContain(`\`\`\`mermaid\n${diagram}\n\`\`\``);
    expect(read('docs/concepts.md')).toContain(`\`\`\`mermaid\n${diagram}\n\`\`\``);
  });

  it('computes the C1 example of docs/time.md as printed', () => {
    const newYork = createCalendar({ timeZone: 'America/New_York', holidays: ['2026-07-03'] });
    const due = computeDueDate('2026-06-01T14:00:00Z', durations.inclusiveDays(30), newYork);
    expect(due).toEqual({ date: '2026-06-30', dueAt: '2026-07-01T03:59:59.999Z' });
    expect(read('docs/time.md')).toContain(`// { date: '${due.date}', dueAt: '${due.dueAt}' }`);
  });

  it('quotes the quick start from examples/basic, the smallest embedding, which a test runs', () => {
    const code = read('examples/basic/src/quickStart.ts').trim();
    expect(read('README.md')).toContain(`\`\`\`ts\n${code}\n\`\`\``);
    expect(read('README.md')).toContain('This file is `examples/basic/src/quickStart.ts`');
  });

  it('takes the example of docs/scenarios.md from a scenario file that the tests run', () => {
    const doc = read('docs/scenarios.md');
    const example = /## An example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example?.startsWith('steps:\n')).toBe(true);
    const files = readdirSync(fileURLToPath(new URL('../examples/scenarios', import.meta.url)));
    const quoted = files.filter((file) =>
      read(`examples/scenarios/${file}`).includes(example ?? '-'),
    );
    expect(quoted).toEqual(['uc-notice-of-intent.yaml']);
  });

  it('documents every pipkit command in docs/cli.md', () => {
    const doc = read('docs/cli.md');
    for (const command of COMMANDS) {
      expect(doc).toContain(`## ${command.name}\n\n\`${command.usage.split(' | ')[0] ?? ''}`);
    }
  });
});
