import type { SourceConfig } from '../config/schema.js';
import type { Source } from './types.js';
import { createZoomSource } from './zoom/index.js';

/** Builds the configured sources, keyed by id. */
export function createSources(configs: SourceConfig[]): Map<string, Source> {
  const sources = new Map<string, Source>();
  for (const config of configs) {
    switch (config.type) {
      case 'zoom':
        sources.set(config.id, createZoomSource(config));
        break;
    }
  }
  return sources;
}
