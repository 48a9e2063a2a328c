import type { LivestormSourceConfig, LumaSourceConfig, PresetSourceConfig, TitoSourceConfig } from '../config.js';
import { createGenericSource } from '../index.js';
import type { Source } from '../../types.js';
import type { VerifySettings } from '../verify.js';
import { livestorm } from './livestorm.js';
import { luma } from './luma.js';
import { tito } from './tito.js';
import type { Preset } from './types.js';

/** Every preset by its source type. Adding one: see README.md in this folder. */
export const PRESETS: Record<PresetSourceConfig['type'], Preset> = { tito, luma, livestorm };

export function createPresetSource(config: TitoSourceConfig | LumaSourceConfig | LivestormSourceConfig): Source {
  const preset = PRESETS[config.type];
  const toleranceSeconds = 'toleranceSeconds' in config ? config.toleranceSeconds : 300;
  const maxBodyAgeHours = 'maxBodyAgeHours' in config ? config.maxBodyAgeHours : undefined;
  const verify = { ...preset.verify, secret: config.secret, toleranceSeconds, maxBodyAgeHours } as VerifySettings;
  const { id, type, defaultAttendMinutes, bodyLimitBytes } = config;
  return createGenericSource({ id, type, verify, map: preset.map, defaultAttendMinutes, bodyLimitBytes });
}
