import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
});
