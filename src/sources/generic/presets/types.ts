import type { MapConfig } from '../config.js';
import type { VerifySettings } from '../verify.js';

type WithoutSecret<T> = T extends unknown ? Omit<T, 'secret' | 'toleranceSeconds' | 'maxBodyAgeHours'> : never;

/**
 * A platform preset: plain data on the generic mapper. The source's configuration supplies the
 * secret (and, for schemes that sign a timestamp, `toleranceSeconds`; for those that sign only the body, `maxBodyAgeHours`).
 */
export interface Preset {
  /** How the platform authenticates its webhooks. */
  verify: WithoutSecret<Exclude<VerifySettings, { scheme: 'bearer' }>>;
  /** Where its payloads keep the event type, the person, the event and the times. */
  map: MapConfig;
}
