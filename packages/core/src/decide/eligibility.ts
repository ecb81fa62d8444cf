/**
 * Eligibility at open: whether the policy applies to this employee (policy `eligibility`), from
 * the level and group the host gives. Every reason is listed.
 */
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { OpenPipRequest } from '../model/commands.js';
import type { Policy } from '../policy/definePolicy.js';
import { issue } from './decision.js';

/** Every reason the policy does not apply to the employee of `input`. @internal */
export function eligibilityIssues(policy: Policy, input: OpenPipRequest): PipkitIssue[] {
  const rule = policy.document.eligibility;
  if (!rule) return [];
  const { level, group } = input.employee;
  const issues: PipkitIssue[] = [];
  const name = `${policy.id}@${policy.version}`;
  if (rule.maxLevel !== undefined) {
    if (level === undefined) {
      issues.push(
        issue(
          'EMPLOYEE_LEVEL_REQUIRED',
          `Policy ${name} applies up to level ${rule.maxLevel}: give the employee's level.`,
          ['employee', 'level'],
        ),
      );
    } else if (level > rule.maxLevel) {
      issues.push(
        issue(
          'EMPLOYEE_ABOVE_MAX_LEVEL',
          `Policy ${name} applies up to level ${rule.maxLevel}; the employee is at level ${level}.`,
          ['employee', 'level'],
        ),
      );
    }
  }
  const groups = rule.groups;
  if (groups) {
    if (group === undefined) {
      issues.push(
        issue(
          'EMPLOYEE_GROUP_REQUIRED',
          `Policy ${name} applies to some employee groups only: give the employee's group.`,
          ['employee', 'group'],
        ),
      );
    } else if (
      'include' in groups ? !groups.include.includes(group) : groups.exclude.includes(group)
    ) {
      const allowed =
        'include' in groups
          ? `applies only to ${groups.include.join(', ')}`
          : `does not apply to ${groups.exclude.join(', ')}`;
      issues.push(
        issue(
          'EMPLOYEE_GROUP_NOT_ELIGIBLE',
          `Policy ${name} ${allowed}; the employee is in ${group}.`,
          ['employee', 'group'],
        ),
      );
    }
  }
  return issues;
}
