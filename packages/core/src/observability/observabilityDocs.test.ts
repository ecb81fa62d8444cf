import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TRACED_STORE_METHODS } from './instrumentedStore.js';
import { PERSON_FIELDS, PERSONAL_FIELDS } from './redaction.js';
import { MetricNames, SpanNames, TELEMETRY_ATTRIBUTE_KEYS } from './telemetryNames.js';

const guide = readFileSync(
  fileURLToPath(new URL('../../../../docs/observability.md', import.meta.url)),
  'utf8',
);

describe('docs/observability.md', () => {
  it('names every span, metric and attribute key pipkit emits', () => {
    const names = [
      ...Object.values(SpanNames).filter((name) => !name.endsWith('.')),
      ...Object.values(MetricNames),
      ...TELEMETRY_ATTRIBUTE_KEYS,
    ];
    expect(names.filter((name) => !guide.includes(`\`${name}\``))).toEqual([]);
    expect(guide).toContain('`pipkit.store.<method>`');
  });

  it('lists every field the redaction replaces, and a store method a span wraps', () => {
    const fields = [...PERSONAL_FIELDS, ...PERSON_FIELDS];
    expect(fields.filter((field) => !guide.includes(`\`${field}\``))).toEqual([]);
    expect(TRACED_STORE_METHODS).toContain('claimDueTimers');
  });
});
