import type { z } from 'zod';
import { type PipkitIssue, ValidationError } from './pipkitError.js';

/**
 * Turns zod's issues into pipkit issues, keeping zod's code and path. An unknown key is named in
 * the path of its own issue (`["colour"]`), so the caller sees which field was not expected.
 * @internal
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly (string | number)[] = [],
): PipkitIssue[] {
  return issues.flatMap((issue) => {
    const path = [
      ...prefix,
      ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
    ];
    const code = `SCHEMA_${issue.code.toUpperCase()}`;
    if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
      return issue.keys.map((key) => ({
        code,
        path: [...path, key],
        message: `Unrecognized key: "${key}"`,
      }));
    }
    return [{ code, path, message: issue.message }];
  });
}

/** Parses input at the public boundary: a typed `INVALID_INPUT` listing every problem. @internal */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = fromZodIssues(parsed.error.issues);
  throw new ValidationError(
    `Invalid ${what}: ${issues.map((entry) => `${entry.path.join('.') || '(root)'}: ${entry.message}`).join('; ')}`,
    issues,
  );
}
