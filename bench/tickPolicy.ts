import { defaultPolicyDocument, definePolicy, durations } from '@pipkit/core';

/** The Postgres sweep bench's policy: no approval, acknowledgement due 5 days after issue. */
export const pgTickPolicy = definePolicy({
  ...defaultPolicyDocument,
  id: 'pg-tick-bench',
  approval: { required: false },
  acknowledgement: { mode: 'required', due: durations.daysAfter(5) },
});
