import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Engine,
  GENESIS_HASH,
  type HistoryBreak,
  type PipEvent,
  type StoredEvent,
  createEngine,
  defaultPolicy,
  hashEvent,
  memoryStore,
  verifyHistory,
} from '../index.js';
import { createTestClock } from '../testing/index.js';
import { canonicalJson } from './canonicalJson.js';

const manager = { id: 'mgr-1', role: 'manager' } as const;
const hr = { id: 'hr-1', role: 'hr' } as const;
const employee = { id: 'emp-1', role: 'employee' } as const;
const PLAN_SHA = 'a1'.repeat(32);
const NOTES_SHA = '0f'.repeat(32);

interface Head {
  readonly version: number;
  readonly lastHash: string;
}

/**
 * Runs a real PIP through the engine: open, submit with the plan document, HR approval,
 * acknowledgement, a check-in, a leave pause and resume, then the timer sweep past the plan end
 * (missed check-ins, escalations, period end, overdue review).
 */
async function runPip(engine: Engine, clock: ReturnType<typeof createTestClock>, pipId: string) {
  await engine.open(
    {
      pipId,
      employee: { id: 'emp-1', timeZone: 'America/New_York' },
      managerId: 'mgr-1',
      policy: { id: 'pipkit-default' },
      goals: [
        {
          id: 'g1',
          description: 'Close support tickets within the agreed SLA',
          measure: '90% of tickets closed within SLA, measured weekly',
        },
      ],
    },
    { actor: manager },
  );
  await engine.dispatch(
    pipId,
    {
      type: 'SUBMIT_FOR_APPROVAL',
      documents: [{ kind: 'planDocument', ref: 'dms://plans/1', sha256: PLAN_SHA }],
    },
    { actor: manager },
  );
  await engine.dispatch(pipId, { type: 'APPROVE' }, { actor: hr });
  await engine.dispatch(
    pipId,
    { type: 'ACKNOWLEDGE', documentSha256: PLAN_SHA },
    { actor: employee },
  );
  clock.advance({ days: 14, hours: 1 });
  await engine.dispatch(
    pipId,
    {
      type: 'RECORD_CHECK_IN',
      assessment: 'mixed',
      documents: [{ kind: 'checkInNotes', ref: 'dms://notes/1', sha256: NOTES_SHA }],
    },
    { actor: manager },
  );
  clock.advance({ days: 3 });
  await engine.dispatch(
    pipId,
    { type: 'PAUSE', category: 'medicalLeave', hostRef: 'leave-77' },
    { actor: hr },
  );
  clock.advance({ days: 10 });
  await engine.dispatch(pipId, { type: 'RESUME' }, { actor: hr });
  for (let sweep = 0; sweep < 8; sweep += 1) {
    clock.advance({ days: 10 });
    await engine.tick();
  }
  const history = await engine.history(pipId, { actor: hr });
  const record = await engine.get(pipId, { actor: hr });
  return { history, head: { version: record.version, lastHash: record.lastHash } };
}

let history: readonly StoredEvent[];
let head: Head;
let foreign: readonly StoredEvent[];

beforeAll(async () => {
  const clock = createTestClock('2026-03-02T14:00:00Z');
  const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy], clock });
  ({ history, head } = await runPip(engine, clock, 'pip-audit-1'));
  clock.set('2026-03-02T14:00:00Z');
  ({ history: foreign } = await runPip(engine, clock, 'pip-audit-2'));
  // Everything below relies on a long, varied history; fail loudly if the flow changes.
  expect(history.length).toBeGreaterThanOrEqual(12);
  expect(new Set(history.map((stored) => stored.event.type)).size).toBeGreaterThanOrEqual(10);
});

// A JSON round trip, as a store reads a history back: the engine's own events may share frozen
// members (one actor object for a fire's two events), and a structured clone would keep that
// sharing, so one flip would change two events.
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('verifyHistory on an untouched history', () => {
  it('passes a history written by the engine, with and without the snapshot head', () => {
    expect(verifyHistory(history)).toEqual({
      ok: true,
      count: history.length,
      lastHash: head.lastHash,
    });
    expect(verifyHistory(history, { pipId: 'pip-audit-1', head })).toEqual({
      ok: true,
      count: history.length,
      lastHash: head.lastHash,
    });
  });

  it('chains from the genesis hash with contiguous sequence numbers and recomputable hashes', () => {
    expect(history[0]?.prevHash).toBe(GENESIS_HASH);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    history.forEach((stored, index) => {
      expect(stored.seq).toBe(index + 1);
      expect(stored.pipId).toBe('pip-audit-1');
      expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
      if (index > 0) expect(stored.prevHash).toBe(history[index - 1]?.hash);
      expect(hashEvent(stored.pipId, stored.seq, stored.event, stored.prevHash)).toBe(stored.hash);
    });
    expect(history[history.length - 1]?.hash).toBe(head.lastHash);
    expect(head.version).toBe(history.length);
  });

  it('agrees with the engine’s own verify()', async () => {
    const clock = createTestClock('2026-03-02T14:00:00Z');
    const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy], clock });
    await runPip(engine, clock, 'pip-audit-3');
    const verification = await engine.verify('pip-audit-3', { actor: hr });
    expect(verification.ok).toBe(true);
    expect(verification.replayMatches).toBe(true);
    expect(verification.chain.ok).toBe(true);
  });

  it('still passes when a store hands the events back with their keys in another order', () => {
    // A JSONB column, for instance, does not keep key order: the hash must not depend on it.
    const reorder = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reorder);
      if (value === null || typeof value !== 'object') return value;
      const entries = Object.entries(value).reverse();
      return Object.fromEntries(entries.map(([key, member]) => [key, reorder(member)]));
    };
    const reordered = history.map((stored) => reorder(stored) as StoredEvent);
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(history));
    expect(verifyHistory(reordered, { head })).toMatchObject({ ok: true, count: history.length });
  });

  it('passes any intact prefix on its own, but not against the head of the full history', () => {
    for (let length = 1; length <= history.length; length += 1) {
      const prefix = history.slice(0, length);
      expect(verifyHistory(prefix)).toEqual({
        ok: true,
        count: length,
        lastHash: history[length - 1]?.hash,
      });
      if (length < history.length) {
        expect(verifyHistory(prefix, { head })).toMatchObject({
          ok: false,
          code: 'TRUNCATED',
          brokenAt: length + 1,
        });
      }
    }
  });

  it('refuses an empty history', () => {
    expect(verifyHistory([])).toMatchObject({ ok: false, code: 'EMPTY', brokenAt: 1 });
  });

  it('refuses a history that belongs to another PIP than the one asked for', () => {
    expect(verifyHistory(history, { pipId: 'pip-audit-2' })).toMatchObject({
      ok: false,
      code: 'WRONG_PIP',
      brokenAt: 1,
    });
  });

  it('refuses a head that points past the last event (a deleted tail) as TRUNCATED', () => {
    expect(verifyHistory(history.slice(0, 5), { head })).toMatchObject({
      ok: false,
      code: 'TRUNCATED',
      brokenAt: 6,
    });
  });

  it('refuses a head whose hash or version does not match the last event', () => {
    expect(
      verifyHistory(history, { head: { version: head.version, lastHash: GENESIS_HASH } }),
    ).toMatchObject({ ok: false, code: 'HEAD_MISMATCH', brokenAt: head.version });
    expect(
      verifyHistory(history, { head: { version: head.version - 1, lastHash: head.lastHash } }),
    ).toMatchObject({ ok: false, code: 'HEAD_MISMATCH', brokenAt: head.version - 1 });
  });
});

describe('hashEvent: the hash is SHA-256 of canonical JSON, recomputable in any language', () => {
  it('hashes { event, pipId, prevHash, seq } with keys sorted and no whitespace', () => {
    const event = {
      type: 'CLOSED',
      at: '2026-06-01T12:00:00.000Z',
      actor: { role: 'hr', id: 'hr-1' },
      reason: 'withdrawn',
    } as PipEvent;
    const expectedText =
      '{"event":{"actor":{"id":"hr-1","role":"hr"},"at":"2026-06-01T12:00:00.000Z","reason":"withdrawn","type":"CLOSED"},' +
      `"pipId":"pip-x","prevHash":"${GENESIS_HASH}","seq":1}`;
    const expected = createHash('sha256').update(expectedText).digest('hex');
    expect(hashEvent('pip-x', 1, event, GENESIS_HASH)).toBe(expected);
  });

  it('changes when any of pipId, seq, event or prevHash changes', () => {
    const stored = history[3] as StoredEvent;
    const base = hashEvent(stored.pipId, stored.seq, stored.event, stored.prevHash);
    expect(hashEvent('pip-other', stored.seq, stored.event, stored.prevHash)).not.toBe(base);
    expect(hashEvent(stored.pipId, stored.seq + 1, stored.event, stored.prevHash)).not.toBe(base);
    expect(
      hashEvent(
        stored.pipId,
        stored.seq,
        { ...stored.event, at: '2020-01-01T00:00:00.000Z' },
        stored.prevHash,
      ),
    ).not.toBe(base);
    expect(hashEvent(stored.pipId, stored.seq, stored.event, GENESIS_HASH)).not.toBe(base);
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, 2], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,1,2]},"b":1}',
    );
  });

  it('sorts keys by UTF-16 code unit, as RFC 8785 does', () => {
    expect(canonicalJson({ b: 1, a: 2, B: 3, é: 4, '10': 5, '9': 6, '': 7 })).toBe(
      '{"":7,"10":5,"9":6,"B":3,"a":2,"b":1,"é":4}',
    );
    // U+FFFD sorts after U+1F600's high surrogate (0xD83D) by code unit.
    expect(canonicalJson({ '\uFFFD': 1, '😀': 2 })).toBe('{"😀":2,"\uFFFD":1}');
  });

  it('orders any set of keys exactly as Array#sort does, with few members and with many', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 3 }), { maxLength: 40 }), (names) => {
        const value = Object.fromEntries(names.map((name, index) => [name, index]));
        const sorted = Object.keys(value).sort();
        const expected = `{${sorted.map((name) => `${JSON.stringify(name)}:${value[name]}`).join(',')}}`;
        expect(canonicalJson(value)).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('drops undefined members, as JSON.stringify does, and writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: 1, c: { d: undefined } })).toBe('{"b":1,"c":{}}');
    expect(canonicalJson([1, undefined, 2])).toBe('[1,null,2]');
    // So an event with an explicit undefined field hashes like one without it.
    // (A JSON store would drop such a field, so the hash must not depend on it.)
    const event = history[2]?.event as PipEvent;
    const withUndefined = { ...event, deadlines: undefined } as unknown as PipEvent;
    expect(hashEvent('p', 1, withUndefined, GENESIS_HASH)).toBe(
      hashEvent('p', 1, event, GENESIS_HASH),
    );
  });

  it('writes primitives and strings exactly like JSON.stringify, with no whitespace', () => {
    expect(canonicalJson('he said "hi"\n')).toBe(JSON.stringify('he said "hi"\n'));
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(1e21)).toBe('1e+21');
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson({ a: [1, { b: 'x' }] })).toBe('{"a":[1,{"b":"x"}]}');
  });

  it('refuses to hash a non-finite number', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(TypeError);
  });

  it('is the same for any key order, parses back to the same JSON, and is idempotent', () => {
    const shuffleKeys = (value: unknown, seed: number): unknown => {
      if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, seed));
      if (value === null || typeof value !== 'object') return value;
      const entries = Object.entries(value);
      const rotated = entries.map((_, index) => entries[(index + seed) % entries.length]);
      const out: Record<string, unknown> = {};
      for (const entry of rotated) {
        if (!entry) continue;
        Object.defineProperty(out, entry[0], {
          value: shuffleKeys(entry[1], seed + 1),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      return out;
    };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat(10), (value, seed) => {
        const text = canonicalJson(value);
        expect(canonicalJson(shuffleKeys(value, seed))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Tampering: every single mutation of the stored events is detected, at the right event.
// ---------------------------------------------------------------------------------------------

type Path = readonly (string | number)[];
type Leaf =
  | { readonly path: Path; readonly kind: 'string'; readonly value: string }
  | { readonly path: Path; readonly kind: 'number'; readonly value: number }
  | { readonly path: Path; readonly kind: 'boolean'; readonly value: boolean };

/** Every non-empty string, number and boolean inside a value, with its path. */
function leavesOf(value: unknown, path: Path = []): Leaf[] {
  if (typeof value === 'string') return value.length > 0 ? [{ path, kind: 'string', value }] : [];
  if (typeof value === 'number') return [{ path, kind: 'number', value }];
  if (typeof value === 'boolean') return [{ path, kind: 'boolean', value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => leavesOf(item, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, member]) => leavesOf(member, [...path, key]));
  }
  return [];
}

/** Every object inside a value (including the value), with its path. */
function objectsOf(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => objectsOf(item, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return [
      path,
      ...Object.entries(value).flatMap(([key, member]) => objectsOf(member, [...path, key])),
    ];
  }
  return [];
}

function getAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return node;
}

function setAt(root: unknown, path: Path, value: unknown): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = value;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:.é😀';
const ALPHABET_UNITS = [...ALPHABET].flatMap((char) => char.split('')); // UTF-16 code units

/** A string with one code unit replaced by a different one: never equal to the original. */
function flipChar(value: string, position: number, shift: number): string {
  const index = position % value.length;
  const original = value[index] as string;
  const at = ALPHABET_UNITS.indexOf(original);
  const replacement =
    at === -1
      ? (ALPHABET_UNITS[shift % ALPHABET_UNITS.length] as string)
      : (ALPHABET_UNITS[
          (at + 1 + (shift % (ALPHABET_UNITS.length - 1))) % ALPHABET_UNITS.length
        ] as string);
  return value.slice(0, index) + replacement + value.slice(index + 1);
}

/** What the verifier must report for a mutation. */
interface Expectation {
  readonly code: HistoryBreak;
  readonly brokenAt: number;
}

interface Tampered {
  readonly label: string;
  readonly events: StoredEvent[];
  readonly options: { pipId?: string; head?: Head };
  readonly expected: Expectation;
}

/** The mutations, each a function of the original history and generated numbers. */
type MutationKind =
  | 'flipString'
  | 'changeNumber'
  | 'flipBoolean'
  | 'dropMember'
  | 'addMember'
  | 'deleteEvent'
  | 'swapEvents'
  | 'duplicateEvent'
  | 'truncateTail'
  | 'changeSeq'
  | 'replaceHash'
  | 'rehashOneEvent'
  | 'rewriteChainFrom'
  | 'spliceForeignEvent';

const MUTATION_KINDS: readonly MutationKind[] = [
  'flipString',
  'changeNumber',
  'flipBoolean',
  'dropMember',
  'addMember',
  'deleteEvent',
  'swapEvents',
  'duplicateEvent',
  'truncateTail',
  'changeSeq',
  'replaceHash',
  'rehashOneEvent',
  'rewriteChainFrom',
  'spliceForeignEvent',
];

interface MutationInput {
  readonly kind: MutationKind;
  /** Raw numbers; each mutation reduces them modulo what it needs, so every draw is valid. */
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly passPipId: boolean;
  readonly passHead: boolean;
}

/** The code for an in-place change of the leaf at `path` (a path into a StoredEvent). */
function inPlaceCode(path: Path, index: number, passPipId: boolean): HistoryBreak {
  switch (path[0]) {
    case 'pipId':
      // Without an expected pipId the first event defines it, so its own hash fails instead.
      return index === 0 && !passPipId ? 'HASH_MISMATCH' : 'WRONG_PIP';
    case 'seq':
      return 'SEQUENCE_GAP';
    case 'prevHash':
      return 'BROKEN_LINK';
    default:
      return 'HASH_MISMATCH'; // event content, or the hash itself
  }
}

/** Recomputes hashes (and links) from `from` to the end, as a forger with write access would. */
function rechain(events: StoredEvent[], from: number): void {
  for (let index = from; index < events.length; index += 1) {
    const stored = events[index] as StoredEvent;
    const prevHash = index === 0 ? GENESIS_HASH : (events[index - 1] as StoredEvent).hash;
    events[index] = {
      ...stored,
      prevHash,
      hash: hashEvent(stored.pipId, stored.seq, stored.event, prevHash),
    };
  }
}

/** Changes one leaf inside an event's content (not pipId/seq/links), in place. */
function tamperContent(stored: StoredEvent, pick: number, shift: number): void {
  const leaves = leavesOf(stored.event).map((leaf) => ({ ...leaf, path: ['event', ...leaf.path] }));
  const leaf = leaves[pick % leaves.length] as Leaf;
  if (leaf.kind === 'string') setAt(stored, leaf.path, flipChar(leaf.value, shift, pick));
  else if (leaf.kind === 'number') setAt(stored, leaf.path, leaf.value + 1 + (shift % 50));
  else setAt(stored, leaf.path, !leaf.value);
}

type LeafKind = Leaf['kind'];
type LeafIndex = Record<LeafKind, { readonly index: number; readonly leaves: readonly Leaf[] }[]>;
let leafIndexCache: LeafIndex | undefined;

/** For each leaf kind, the events that have such leaves (computed once; the history is fixed). */
function leafIndex(): LeafIndex {
  if (leafIndexCache) return leafIndexCache;
  const byKind = (kind: LeafKind) =>
    history
      .map((stored, index) => ({
        index,
        leaves: leavesOf(stored).filter((leaf) => leaf.kind === kind),
      }))
      .filter((entry) => entry.leaves.length > 0);
  leafIndexCache = {
    string: byKind('string'),
    number: byKind('number'),
    boolean: byKind('boolean'),
  };
  return leafIndexCache;
}

function mutate(input: MutationInput): Tampered {
  const n = history.length;
  // Copy on write: the array is new, and an event is deep-copied only when it is changed.
  const events = history.slice();
  const own = (index: number): StoredEvent => {
    const copy = clone(history[index] as StoredEvent);
    events[index] = copy;
    return copy;
  };
  const { kind, a, b, c } = input;
  let passPipId = input.passPipId;
  let passHead = input.passHead;
  let expected: Expectation;
  let label: string;

  switch (kind) {
    case 'flipString':
    case 'changeNumber':
    case 'flipBoolean': {
      const wanted =
        kind === 'flipString' ? 'string' : kind === 'changeNumber' ? 'number' : 'boolean';
      // Only events that have such a leaf; booleans are rare, so pick among those that do.
      const candidates = leafIndex()[wanted];
      const { index, leaves } = candidates[a % candidates.length] as (typeof candidates)[number];
      const leaf = leaves[b % leaves.length] as Leaf;
      const stored = own(index);
      if (leaf.kind === 'string') setAt(stored, leaf.path, flipChar(leaf.value, c, b));
      else if (leaf.kind === 'number') {
        const delta = (1 + (c % 1000)) * (c % 2 === 0 ? 1 : -1);
        setAt(stored, leaf.path, leaf.value + delta);
      } else setAt(stored, leaf.path, !leaf.value);
      expected = { code: inPlaceCode(leaf.path, index, passPipId), brokenAt: index + 1 };
      label = `${kind} ${leaf.path.join('.')} of event ${index + 1}`;
      break;
    }
    case 'dropMember': {
      // Remove one defined member of any object inside an event's content.
      const index = a % n;
      const stored = own(index);
      const members = objectsOf(stored.event).flatMap((path) =>
        Object.keys(getAt(stored.event, path) as object).map((key) => [...path, key]),
      );
      const path = members[b % members.length] as Path;
      const parent = getAt(stored.event, path.slice(0, -1)) as Record<string | number, unknown>;
      if (Array.isArray(parent)) parent.splice(path[path.length - 1] as number, 1);
      else delete parent[path[path.length - 1] as string];
      expected = { code: 'HASH_MISMATCH', brokenAt: index + 1 };
      label = `drop event.${path.join('.')} of event ${index + 1}`;
      break;
    }
    case 'addMember': {
      const index = a % n;
      const stored = own(index);
      const objects = objectsOf(stored.event).filter(
        (path) => !Array.isArray(getAt(stored.event, path)),
      );
      const path = objects[b % objects.length] as Path;
      const target = getAt(stored.event, path) as Record<string, unknown>;
      target[`tampered${c}`] = `x${c}`; // no event field is named like this
      expected = { code: 'HASH_MISMATCH', brokenAt: index + 1 };
      label = `add a member at event.${path.join('.')} of event ${index + 1}`;
      break;
    }
    case 'deleteEvent': {
      // Deleting the last event leaves a valid shorter chain: only the head can tell.
      const index = a % n;
      if (index === n - 1) passHead = true;
      events.splice(index, 1);
      expected =
        index === n - 1
          ? { code: 'TRUNCATED', brokenAt: n }
          : { code: 'SEQUENCE_GAP', brokenAt: index + 1 };
      label = `delete event ${index + 1}`;
      break;
    }
    case 'swapEvents': {
      const first = a % n;
      const second = (first + 1 + (b % (n - 1))) % n;
      const [low, high] = first < second ? [first, second] : [second, first];
      const temp = events[low] as StoredEvent;
      events[low] = events[high] as StoredEvent;
      events[high] = temp;
      expected = { code: 'SEQUENCE_GAP', brokenAt: low + 1 };
      label = `swap events ${low + 1} and ${high + 1}`;
      break;
    }
    case 'duplicateEvent': {
      const index = a % n;
      events.splice(index + 1, 0, clone(events[index] as StoredEvent));
      expected = { code: 'SEQUENCE_GAP', brokenAt: index + 2 };
      label = `duplicate event ${index + 1}`;
      break;
    }
    case 'truncateTail': {
      const keep = a % n; // 0 .. n-1 events remain
      events.length = keep;
      passHead = true;
      expected =
        keep === 0 ? { code: 'EMPTY', brokenAt: 1 } : { code: 'TRUNCATED', brokenAt: keep + 1 };
      label = `truncate to ${keep} events`;
      break;
    }
    case 'changeSeq': {
      const index = a % n;
      const stored = events[index] as StoredEvent;
      const delta = (1 + (b % (2 * n))) * (c % 2 === 0 ? 1 : -1);
      events[index] = { ...stored, seq: stored.seq + delta };
      expected = { code: 'SEQUENCE_GAP', brokenAt: index + 1 };
      label = `change seq of event ${index + 1} by ${delta}`;
      break;
    }
    case 'replaceHash': {
      // Replace an event's hash with another event's (a well-formed, plausible hash).
      const index = a % n;
      const other = (index + 1 + (b % (n - 1))) % n;
      events[index] = {
        ...(events[index] as StoredEvent),
        hash: (history[other] as StoredEvent).hash,
      };
      expected = { code: 'HASH_MISMATCH', brokenAt: index + 1 };
      label = `give event ${index + 1} the hash of event ${other + 1}`;
      break;
    }
    case 'rehashOneEvent': {
      // Tamper with content and recompute that event's hash: the next link breaks. For the last
      // event there is no next link, so only the head catches it.
      const index = a % n;
      const stored = own(index);
      tamperContent(stored, b, c);
      events[index] = {
        ...stored,
        hash: hashEvent(stored.pipId, stored.seq, stored.event, stored.prevHash),
      };
      if (index === n - 1) passHead = true;
      expected =
        index === n - 1
          ? { code: 'HEAD_MISMATCH', brokenAt: n }
          : { code: 'BROKEN_LINK', brokenAt: index + 2 };
      label = `tamper with and rehash event ${index + 1}`;
      break;
    }
    case 'rewriteChainFrom': {
      // A forger rewrites the whole chain from one event on: only the head can tell.
      const index = a % n;
      tamperContent(own(index), b, c);
      rechain(events, index);
      passHead = true;
      expected = { code: 'HEAD_MISMATCH', brokenAt: n };
      label = `tamper with event ${index + 1} and rewrite the chain after it`;
      break;
    }
    case 'spliceForeignEvent': {
      // Put another PIP's event (a genuine one, same seq) in place of this PIP's.
      const index = a % Math.min(n, foreign.length);
      events[index] = clone(foreign[index] as StoredEvent);
      passPipId = true; // without it, a foreign first event would define the PIP
      expected = { code: 'WRONG_PIP', brokenAt: index + 1 };
      label = `splice in event ${index + 1} of another PIP`;
      break;
    }
  }

  const options: { pipId?: string; head?: Head } = {};
  if (passPipId) options.pipId = 'pip-audit-1';
  if (passHead) options.head = head;
  return { label, events, options, expected };
}

const mutationArb: fc.Arbitrary<MutationInput> = fc.record({
  kind: fc.constantFrom(...MUTATION_KINDS),
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
  passPipId: fc.boolean(),
  passHead: fc.boolean(),
});

describe('tamper evidence', () => {
  it('detects 100% of 10,000 random single mutations and names the first broken event', () => {
    const originalText = JSON.stringify(history);
    const originalEvents = history.map((stored) => JSON.stringify(stored));
    // Unchanged events are shared with the original (copy on write), so only copies need comparing.
    const sameJson = (events: readonly StoredEvent[]) =>
      events.length === history.length &&
      events.every(
        (stored, index) =>
          stored === history[index] || JSON.stringify(stored) === originalEvents[index],
      );
    const seen = new Map<MutationKind, number>();
    let detected = 0;
    let runs = 0;
    fc.assert(
      fc.property(mutationArb, (input) => {
        runs += 1;
        const tampered = mutate(input);
        // By construction every mutation changes the stored JSON; check the construction.
        if (sameJson(tampered.events)) {
          expect.fail(`mutation left the JSON identical: ${tampered.label}`);
        }
        const result = verifyHistory(tampered.events, tampered.options);
        if (result.ok) expect.fail(`undetected: ${tampered.label}`);
        if (
          result.code !== tampered.expected.code ||
          result.brokenAt !== tampered.expected.brokenAt ||
          result.message.length === 0
        ) {
          expect({ code: result.code, brokenAt: result.brokenAt }, tampered.label).toEqual(
            tampered.expected,
          );
        }
        detected += 1;
        seen.set(input.kind, (seen.get(input.kind) ?? 0) + 1);
      }),
      { numRuns: 10_000 },
    );
    expect(runs).toBe(10_000);
    expect(detected).toBe(runs);
    // Every kind of mutation was exercised many times.
    for (const kind of MUTATION_KINDS) expect(seen.get(kind) ?? 0, kind).toBeGreaterThan(300);
    // The original is untouched by all of that.
    expect(JSON.stringify(history)).toBe(originalText);
  }, 60_000);

  it('flips a character in every string field of every event and always points at that event', () => {
    // Exhaustive over fields (one flip each), complementing the random sweep above.
    let checked = 0;
    history.forEach((original, index) => {
      for (const leaf of leavesOf(original)) {
        if (leaf.kind !== 'string') continue;
        const events = clone(history) as StoredEvent[];
        setAt(events[index], leaf.path, flipChar(leaf.value, index, checked));
        const result = verifyHistory(events, { pipId: 'pip-audit-1', head });
        expect(result).toMatchObject({
          ok: false,
          code: inPlaceCode(leaf.path, index, true),
          brokenAt: index + 1,
        });
        checked += 1;
      }
    });
    expect(checked).toBeGreaterThan(100);
  });

  it('cannot be fooled by rewriting the whole chain unless the snapshot head is rewritten too', () => {
    const events = clone(history) as StoredEvent[];
    tamperContent(events[4] as StoredEvent, 0, 0);
    rechain(events, 4);
    // The chain on its own is self-consistent again: this is why the head matters.
    expect(verifyHistory(events).ok).toBe(true);
    expect(verifyHistory(events, { head })).toMatchObject({
      ok: false,
      code: 'HEAD_MISMATCH',
      brokenAt: history.length,
    });
  });
});
