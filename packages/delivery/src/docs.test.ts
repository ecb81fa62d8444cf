import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DeliveryIssueCodes, WEBHOOK_ERROR_CODES } from './errors.js';

const SRC = dirname(fileURLToPath(import.meta.url));
const guide = readFileSync(join(SRC, '../../../docs/delivery.md'), 'utf8');
const readme = readFileSync(join(SRC, '../README.md'), 'utf8');

describe('the delivery docs', () => {
  it('name every webhook failure code, in the guide and the README', () => {
    for (const code of WEBHOOK_ERROR_CODES) {
      expect(guide, code).toContain(`\`${code}\``);
      expect(readme, code).toContain(`\`${code}\``);
    }
  });

  it('name every issue code of a refused option', () => {
    for (const code of Object.values(DeliveryIssueCodes)) {
      expect(guide, code).toContain(`\`${code}\``);
    }
  });

  it('show the three Standard Webhooks headers the endpoint receives', () => {
    for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      expect(guide).toContain(`| \`${header}\``);
    }
  });
});
