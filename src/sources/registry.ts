import { createHubspotIntakeSource, HUBSPOT_INTAKE_SOURCE_ID } from './hubspot-compat/index.js';
import type { SourceModule } from './module.js';
import { SOURCE_MODULES, type SourceConfig } from './platforms.js';
import type { Source } from './types.js';

/**
 * Builds the configured sources, keyed by id; with `internal` (the default: the store worker's
 * processing), also the internal ones, which receive no webhooks (pass false for webhook routes).
 */
export function createSources(configs: SourceConfig[], { internal = true }: { internal?: boolean } = {}): Map<string, Source> {
  const sources = new Map<string, Source>();
  // HubSpot-compatible intake: always known to processing, so batches stored while intake.tokens
  // was set are still delivered after it is emptied. Its id is reserved.
  if (configs.some((c) => c.id === HUBSPOT_INTAKE_SOURCE_ID))
    throw new Error(`source id "${HUBSPOT_INTAKE_SOURCE_ID}" is reserved for the HubSpot-compatible intake`);
  if (internal) sources.set(HUBSPOT_INTAKE_SOURCE_ID, createHubspotIntakeSource());
  for (const config of configs) sources.set(config.id, createSource(config));
  return sources;
}

/** The ids of every source processing reads webhooks of (the internal ones included): a webhook of any other waits. */
export function processedSourceIds(configs: SourceConfig[]): string[] {
  return [HUBSPOT_INTAKE_SOURCE_ID, ...configs.map((c) => c.id)];
}

/** Why a webhook of a source not in processedSourceIds waits (the admin API and the CLI say it alike). */
export const waitingReason = (sourceId: string) =>
  `source "${sourceId}" is not configured on this relay: processed once a replica (or this one after a restart) has it`;

const MODULE_BY_TYPE = new Map<string, SourceModule>(SOURCE_MODULES.map((m) => [m.type, m as unknown as SourceModule]));

/** A configured source, built by its platform's module (the one SOURCE_MODULES lists for its type). */
export function createSource(config: SourceConfig): Source {
  const module = MODULE_BY_TYPE.get(config.type);
  if (!module) throw new Error(`unknown source type "${config.type}"`); // the config loader refuses it first
  return module.create(config);
}
