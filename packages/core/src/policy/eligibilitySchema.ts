/**
 * Who a policy applies to: the employees it may open a plan for, checked at open against the
 * facts the host gives about the employee (`open({ employee: { level, group } })`).
 */
import { z } from 'zod';
import { hostIdSchema } from '../model/actor.js';

const groupList = z.array(hostIdSchema).min(1).max(200);

/**
 * Eligibility rules, checked when a plan is opened. `maxLevel`: employees above this level (as
 * the host numbers levels, higher being more senior) are not on this procedure (GitLab's handbook:
 * no formal PIP for Director and above). `groups`: only the groups listed in `include` are, or
 * every group but those in `exclude` (a union agreement that covers one bargaining unit, a
 * capability procedure that leaves out academic staff). A rule the host cannot check because the
 * fact is missing refuses the open: the level or group is then required.
 */
export const eligibilitySchema = z
  .object({
    maxLevel: z.number().int().min(0).max(1000).optional(),
    groups: z
      .union([z.object({ include: groupList }).strict(), z.object({ exclude: groupList }).strict()])
      .optional(),
  })
  .strict()
  .optional();

/** A policy's eligibility rules. */
export type Eligibility = z.output<typeof eligibilitySchema>;
