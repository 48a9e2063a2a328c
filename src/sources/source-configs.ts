import { EventbriteSourceConfig } from './eventbrite/config.js';
import { GenericSourceConfig, LivestormSourceConfig, LumaSourceConfig, TitoSourceConfig } from './generic/config.js';
import { ZoomSourceConfig } from './zoom/config.js';

/**
 * Every source type the relay knows; `type` picks the schema. It lives with the sources (not in
 * config/) so that the registry needs nothing from config: config imports sources, never the reverse.
 */
export const SourceConfigByType = {
  zoom: ZoomSourceConfig,
  generic: GenericSourceConfig,
  tito: TitoSourceConfig,
  luma: LumaSourceConfig,
  livestorm: LivestormSourceConfig,
  eventbrite: EventbriteSourceConfig,
} as const;
export type SourceType = keyof typeof SourceConfigByType;
export type SourceConfig =
  ZoomSourceConfig | EventbriteSourceConfig | GenericSourceConfig | TitoSourceConfig | LumaSourceConfig | LivestormSourceConfig;
