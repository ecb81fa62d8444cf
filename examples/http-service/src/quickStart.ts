// A host's client of the pipkit service: open a PIP, send a command pinned to the version it
// read, and read a refusal. `examples/http-service/src/quickStart.test.ts` runs this file.
const json = { 'content-type': 'application/json' };
const plan = { kind: 'planDocument', ref: 'dms://plans/42', sha256: 'c0ffee'.padEnd(64, '0') };

/** `token`: the manager's access token from your identity provider (`sub` mgr-9, `role` manager). */
export async function quickStart(baseUrl: string, token: string) {
  const manager = { authorization: `Bearer ${token}` };
  const opened = await fetch(`${baseUrl}/pips`, {
    method: 'POST',
    headers: { ...manager, ...json, 'idempotency-key': 'open-pip-42' },
    body: JSON.stringify({
      pipId: 'pip-42',
      employee: { id: 'emp-42', timeZone: 'America/Chicago' },
      managerId: 'mgr-9',
      policy: { id: 'pipkit-default' },
      goals: [{ id: 'sla', description: 'Close tickets on time', measure: '90% within SLA' }],
    }),
  });
  const version = opened.headers.get('etag'); // "1": send it back in If-Match

  const submitted = await fetch(`${baseUrl}/pips/pip-42/commands`, {
    method: 'POST',
    headers: { ...manager, ...json, 'if-match': version ?? '', 'idempotency-key': 'submit-42' },
    body: JSON.stringify({ type: 'SUBMIT_FOR_APPROVAL', documents: [plan] }),
  });

  const refused = await fetch(`${baseUrl}/pips/pip-42/commands`, {
    method: 'POST',
    headers: { ...manager, ...json, 'if-match': submitted.headers.get('etag') ?? '' },
    body: JSON.stringify({ type: 'EXTEND', amount: 10, reason: 'workload' }),
  });
  const problem = (await refused.json()) as { code: string; issues: { code: string }[] };

  return {
    opened: [opened.status, version],
    submitted: [submitted.status, submitted.headers.get('etag')],
    refused: [refused.status, refused.headers.get('content-type'), problem.code],
    issues: problem.issues.map((issue) => issue.code),
  };
}
