import { Type, type Static, type TSchema } from 'typebox';
import { SharedSecret } from '../../common-config.js';
import { sourceModule, type SourceModule } from '../../module.js';
import type { Source } from '../../types.js';
import { createGenericSource } from '../index.js';
import type { VerifySettings } from '../verify.js';
import type { Preset } from './types.js';

/** What every preset's configuration shares: the platform's signing secret, and the signed time's tolerance. */
export const PresetSecret = SharedSecret("The platform's webhook signing secret");
export const PresetTolerance = Type.Integer({ minimum: 1, default: 300 });

/** The keys of a preset's configuration that createPresetSource reads (the schema may hold fewer). */
interface PresetConfigKeys {
  id: string;
  type: string;
  secret: string;
  toleranceSeconds?: number;
  maxBodyAgeHours?: number;
  defaultAttendMinutes: number;
  bodyLimitBytes?: number;
}

/** A generic source with the preset's built-in verify and map; the configuration supplies the secret and timing. */
export function presetSource(preset: Preset, config: PresetConfigKeys): Source {
  const toleranceSeconds = 'toleranceSeconds' in config ? config.toleranceSeconds : 300;
  const maxBodyAgeHours = 'maxBodyAgeHours' in config ? config.maxBodyAgeHours : undefined;
  const verify = { ...preset.verify, secret: config.secret, toleranceSeconds, maxBodyAgeHours } as VerifySettings;
  const { id, type, defaultAttendMinutes, bodyLimitBytes } = config;
  return createGenericSource({ id, type, verify, map: preset.map, defaultAttendMinutes, bodyLimitBytes });
}

/** A preset's module: the platform module (see ../../module.ts) that builds a source from `preset`. */
export function presetModule<const T extends string, S extends TSchema>(
  type: T,
  preset: Preset,
  configSchema: S & (Static<S> extends PresetConfigKeys ? unknown : never),
): SourceModule<T, S> & { preset: Preset } {
  return { ...sourceModule({ type, configSchema, create: (config) => presetSource(preset, config as PresetConfigKeys) }), preset };
}
