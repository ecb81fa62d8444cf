import type { Policy } from '../definePolicy.js';
import { defaultPolicy } from '../defaultPolicy.js';
import { startupHandbook } from './startupHandbook.js';
import { ukAcasCapability } from './ukAcasCapability.js';
import { unionAgreement } from './unionAgreement.js';
import { universityStaff } from './universityStaff.js';
import { usFederal432 } from './usFederal432.js';

/**
 * Ready-made policies by name, each modelled on a real, public policy (see `docs/policies/`).
 * They show what a pipkit policy can express; they are not legal advice.
 *
 * @example
 * ```ts
 * const engine = createEngine({ store: memoryStore(), policies: Object.values(presets) });
 * await engine.open({ ...input, policy: { id: presets.usFederal432.id } }, { actor });
 * ```
 */
export const presets = Object.freeze({
  default: defaultPolicy,
  usFederal432,
  ukAcasCapability,
  universityStaff,
  startupHandbook,
  unionAgreement,
} satisfies Record<string, Policy>);

/** The name of a preset in {@link presets}. */
export type PresetName = keyof typeof presets;
