import type { Engine, StoredEvent } from '@pipkit/core';
import { describe, expectTypeOf, it } from 'vitest';
import { type Invite, invitesFor, isWebhookDeliveryError, webhookDelivery } from './index.js';

describe('@pipkit/delivery types', () => {
  it('gives engine.relay a handler it accepts', () => {
    const deliver = webhookDelivery({
      url: 'https://hooks.example.com/',
      secret: 'whsec_c2VjcmV0',
    });
    expectTypeOf(deliver).toExtend<Parameters<Engine['relay']>[0]>();
  });

  it('takes the events engine.history returns', () => {
    expectTypeOf(invitesFor).parameter(0).toEqualTypeOf<readonly StoredEvent[]>();
    expectTypeOf(invitesFor).returns.toEqualTypeOf<Invite[]>();
  });

  it('narrows an unknown error to the code asked for', () => {
    const error: unknown = new Error('x');
    if (isWebhookDeliveryError(error, 'WEBHOOK_REDIRECT')) {
      expectTypeOf(error.code).toEqualTypeOf<'WEBHOOK_REDIRECT'>();
    }
    // @ts-expect-error: not a webhook failure code
    isWebhookDeliveryError(error, 'WEBHOOK_LOST');
  });
});
