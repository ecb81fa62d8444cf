/**
 * The names pipkit's traces and metrics use: span names, metric names and attribute keys. Every
 * attribute is one of {@link TELEMETRY_ATTRIBUTE_KEYS}, and none carries personal data: no
 * employee, manager or actor id, no name, free text or document reference, no PIP id. Names follow
 * the OpenTelemetry naming guidance (https://opentelemetry.io/docs/specs/semconv/general/naming/):
 * dot-separated lower-case namespaces under `pipkit.`, `error.type` from the semantic conventions,
 * and units in UCUM (`s`, `{command}`).
 */

/** The spans pipkit starts. A store call is `pipkit.store.<method>` (for example `pipkit.store.commit`). */
export const SpanNames = {
  /** `engine.open`. */
  OPEN: 'pipkit.open',
  /** `engine.dispatch`. */
  DISPATCH: 'pipkit.dispatch',
  /** `engine.migrate`. */
  MIGRATE: 'pipkit.migrate',
  /** `engine.explain`. */
  EXPLAIN: 'pipkit.explain',
  /** `engine.tick` and `engine.tickTenants`: the whole sweep. */
  TICK: 'pipkit.tick',
  /** One round of a sweep (at most `limit` deadlines, one per PIP): a child of `pipkit.tick`. */
  TICK_ROUND: 'pipkit.tick.round',
  /** One relay round (`engine.relay`, or one tenant's turn of `engine.relayTenants`). */
  RELAY: 'pipkit.relay',
  /** The prefix of store calls: `pipkit.store.load`, `pipkit.store.commit`, ... */
  STORE_PREFIX: 'pipkit.store.',
} as const;

/** The attribute keys pipkit sets on spans and metric points. */
export const TelemetryAttributes = {
  /** The command's type (`ACKNOWLEDGE`, `DEADLINE_REACHED`, ...), `OPEN` or `MIGRATE`. */
  COMMAND_TYPE: 'pipkit.command.type',
  /** The policy's id (host-chosen configuration name, such as `pipkit-default`). */
  POLICY_ID: 'pipkit.policy.id',
  POLICY_VERSION: 'pipkit.policy.version',
  /** The PIP's lifecycle state before the write (`active`, `review`, ...). */
  STATE_BEFORE: 'pipkit.state.before',
  /** The PIP's lifecycle state after the write, or the state `explain` would move it to. */
  STATE_AFTER: 'pipkit.state.after',
  /** `committed`, `duplicate`, `refused`, `forbidden`, `conflict`, `invalid` or `failed`. */
  OUTCOME: 'pipkit.outcome',
  /** Every issue code of a refusal, in order (a string array on spans). */
  REFUSAL_CODES: 'pipkit.refusal.codes',
  /** One issue code (on the `pipkit.refusals` counter). */
  REFUSAL_CODE: 'pipkit.refusal.code',
  /** Events a write appended. */
  EVENT_COUNT: 'pipkit.events.count',
  /** Whether `explain` says the command would be accepted. */
  EXPLAIN_ACCEPTED: 'pipkit.explain.accepted',
  /** The store's tenant: set only when the host opts in (`telemetry.recordTenantId`). */
  TENANT_ID: 'pipkit.tenant.id',
  /** Tenants a `tickTenants` or `relayTenants` call could not serve. */
  TENANT_FAILURES: 'pipkit.tenant.failures',
  /** The store port method a `pipkit.store.*` span wraps. */
  STORE_METHOD: 'pipkit.store.method',
  /** Rows a store read returned (arrays only). */
  STORE_ROWS: 'pipkit.store.rows',
  /** A deadline's kind (`checkIn`, `planEnd`, `replyWindow`, ...). */
  DEADLINE_KIND: 'pipkit.deadline.kind',
  /** Whether the sweep parked the deadline after this fault. */
  DEADLINE_PARKED: 'pipkit.deadline.parked',
  /** Deadlines a sweep or a round fired, skipped, could not fire, and parked. */
  TICK_FIRED: 'pipkit.tick.fired',
  TICK_SKIPPED: 'pipkit.tick.skipped',
  TICK_FAULTS: 'pipkit.tick.faults',
  TICK_PARKED: 'pipkit.tick.parked',
  /** Messages a relay round delivered, failed and dead-lettered. */
  RELAY_DELIVERED: 'pipkit.relay.delivered',
  RELAY_FAILED: 'pipkit.relay.failed',
  RELAY_DEAD_LETTERED: 'pipkit.relay.dead_lettered',
  /** An outbox message's type (`pipkit.checkInDue`, ...). */
  MESSAGE_TYPE: 'pipkit.message.type',
  /** The OpenTelemetry semantic convention for a failure: the stable error or failure code. */
  ERROR_TYPE: 'error.type',
} as const;

/** One attribute key pipkit may set. */
export type TelemetryAttribute = (typeof TelemetryAttributes)[keyof typeof TelemetryAttributes];

/**
 * Every attribute key pipkit sets, and nothing else: a test holds the spans and metric points of a
 * whole lifecycle to this list, so a change that would add a key (and perhaps personal data) has
 * to add it here first, in review.
 */
export const TELEMETRY_ATTRIBUTE_KEYS: ReadonlySet<string> = new Set(
  Object.values(TelemetryAttributes),
);

/** The metrics pipkit records, with their units. */
export const MetricNames = {
  /** Counter, `{command}`: writes through `open`, `dispatch` and `migrate`, by command type and outcome. */
  COMMANDS: 'pipkit.commands',
  /** Counter, `{refusal}`: one per issue code of a refused or forbidden write. */
  REFUSALS: 'pipkit.refusals',
  /** Histogram, `s`: how long `open`, `dispatch` and `migrate` took, by command type and outcome. */
  DISPATCH_DURATION: 'pipkit.dispatch.duration',
  /** Counter, `{deadline}`: deadlines the sweep fired, by kind. */
  DEADLINES_FIRED: 'pipkit.deadlines.fired',
  /** Counter, `{fault}`: fires that failed for a reason other than a refusal, by code. */
  DEADLINE_FAULTS: 'pipkit.deadlines.faults',
  /** Histogram, `s`: the sweep's instant minus the fired deadline's due instant, by kind. */
  SWEEP_LAG: 'pipkit.sweep.lag',
  /** Counter, `{message}`: outbox messages the relay delivered, by message type. */
  MESSAGES_DELIVERED: 'pipkit.messages.delivered',
  /** Counter, `{message}`: outbox messages the relay dead-lettered, by message type and code. */
  MESSAGES_DEAD_LETTERED: 'pipkit.messages.dead_lettered',
} as const;

/** The write outcomes `pipkit.outcome` takes. */
export type WriteOutcome =
  'committed' | 'duplicate' | 'refused' | 'forbidden' | 'conflict' | 'invalid' | 'failed';
