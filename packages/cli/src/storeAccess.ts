import {
  type Policy,
  type PipRecord,
  type PipStore,
  PIP_STATES,
  type PipState,
  definePolicy,
  isPipkitError,
  presets,
} from '@pipkit/core';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type CliIo, resolvePath, UsageError } from './io.js';

/** Every policy the CLI knows: the presets of @pipkit/core plus policy files given with --policy. */
export function knownPolicies(io: CliIo, files: readonly string[] = []): Policy[] {
  const byKey = new Map<string, Policy>();
  for (const policy of Object.values(presets as Readonly<Record<string, Policy>>))
    byKey.set(`${policy.id}@${policy.version}`, policy);
  for (const file of files) {
    const path = resolvePath(io, file);
    let document: unknown;
    try {
      document = parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new UsageError(
        `Cannot read the policy file ${path}: ${(error as Error).message.split('\n')[0] ?? ''}`,
        'Give a YAML or JSON policy document (see docs/policies.md).',
      );
    }
    try {
      const policy = definePolicy(document as Parameters<typeof definePolicy>[0]);
      byKey.set(`${policy.id}@${policy.version}`, policy);
    } catch (error) {
      if (isPipkitError(error)) {
        throw new UsageError(
          `${path} is not a valid policy document: ${error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`,
          'Fix the fields named above (docs/policies.md lists every field).',
        );
      }
      throw error;
    }
  }
  return [...byKey.values()];
}

/** Checks a `--state` value against the machine's states. */
export function parseState(value: string | undefined): PipState | undefined {
  if (value === undefined) return undefined;
  if (!(PIP_STATES as readonly string[]).includes(value)) {
    throw new UsageError(`Unknown state "${value}".`, `Use one of: ${PIP_STATES.join(', ')}.`);
  }
  return value as PipState;
}

/** Loads a PIP or throws a usage error naming the id. */
export async function loadPip(store: PipStore, pipId: string): Promise<PipRecord> {
  const record = await store.load(pipId);
  if (!record) {
    throw new UsageError(
      `No PIP "${pipId}" in this database.`,
      '`pipkit list --store <url>` shows the ids it holds.',
    );
  }
  return record;
}

/** Every PIP in the store (optionally in one state), paging by id. */
export async function allPips(store: PipStore, state?: PipState): Promise<PipRecord[]> {
  const out: PipRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.list({
      limit: 1000,
      ...(state ? { state } : {}),
      ...(after ? { afterPipId: after } : {}),
    });
    out.push(...page);
    if (page.length < 1000) return out;
    after = page.at(-1)?.pipId;
  }
}
