/**
 * `@pipkit/core/presets`: the policies pipkit ships, modelled on published rules (5 CFR part 432,
 * the Acas Code of Practice, a university staff procedure, a union agreement, a startup
 * handbook), and the default policy. Each is a validated {@link Policy}; register it with
 * `createEngine({ policies })` as it is, or start from its document and change what differs.
 * @packageDocumentation
 */

export { presets } from './policy/presets/index.js';
export type { PresetName } from './policy/presets/index.js';
export { FEDERAL_NOTICE_EXTENSION_REASONS } from './policy/presets/usFederal432.js';
export { presetCalendars } from './policy/presets/holidays.js';
export { defaultPolicy, defaultPolicyDocument } from './policy/defaultPolicy.js';
export type { Policy } from './policy/definePolicy.js';
