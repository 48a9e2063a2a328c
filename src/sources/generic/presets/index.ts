import type { PresetSourceConfig } from '../../platforms.js';
import { createSource } from '../../registry.js';
import type { Source } from '../../types.js';

/**
 * A preset's source from its configuration (tests and tools build one directly). Each preset is one
 * file here (its map, verify and module); adding one: see README.md in this folder.
 */
export function createPresetSource(config: PresetSourceConfig): Source {
  return createSource(config);
}
