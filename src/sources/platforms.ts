import { eventbriteModule } from './eventbrite/index.js';
import { genericModule } from './generic/index.js';
import { livestormModule } from './generic/presets/livestorm.js';
import { lumaModule } from './generic/presets/luma.js';
import { titoModule } from './generic/presets/tito.js';
import type { ConfigOf } from './module.js';
import { zoomModule } from './zoom/index.js';

/**
 * Every platform the relay knows, in the order the config loader lists them ("known: ..."). Adding
 * a platform is its module (see module.ts) and one entry here. This lives with the sources (not in
 * config/) so that the registry needs nothing from config: config imports sources, never the reverse.
 */
export const SOURCE_MODULES = [zoomModule, genericModule, titoModule, lumaModule, livestormModule, eventbriteModule] as const;

type Listed = (typeof SOURCE_MODULES)[number];
export type SourceType = Listed['type'];
/** A configured source of any listed platform; `type` tells them apart. */
export type SourceConfig = ConfigOf<Listed>;
/** The configuration of a platform that is a preset of the generic mapper (its module carries `preset`). */
export type PresetSourceConfig = ConfigOf<Extract<Listed, { preset: unknown }>>;

/** Each listed type's configuration schema; `type` picks the schema. */
export const SourceConfigByType = Object.fromEntries(SOURCE_MODULES.map((m) => [m.type, m.configSchema])) as {
  readonly [M in Listed as M['type']]: M['configSchema'];
};
