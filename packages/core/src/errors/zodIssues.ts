import type { z } from 'zod';
import type { PipkitIssue } from './pipkitError.js';

/** Turns zod's issues into pipkit issues, keeping zod's code and path. @internal */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly (string | number)[] = [],
): PipkitIssue[] {
  return issues.map((issue) => ({
    code: `SCHEMA_${issue.code.toUpperCase()}`,
    path: [
      ...prefix,
      ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
    ],
    message: issue.message,
  }));
}
