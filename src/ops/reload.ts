import { isDeepStrictEqual } from 'node:util';
import type { RelayConfig } from '../config/schema.js';
import type { ReloadResult } from './admin-routes.js';

export interface ReloadTargets {
  /** New event mappings; resolves to how many unmapped records now map. */
  events(events: RelayConfig['events']): Promise<number>;
  accessToken(token: string): void;
  /** New OAuth credentials (hubspot.oauth): a fresh access token is fetched for the next call. */
  oauth?(oauth: NonNullable<RelayConfig['hubspot']['oauth']>): void;
  /** New settings for the same sources; false when the set of sources, a type or a body limit changed (restart). */
  sources(sources: RelayConfig['sources']): boolean;
}

/**
 * Applies what can change while running (event mappings, the HubSpot token) and names
 * the other changed sections, which only a restart applies.
 */
export async function applyReload(
  current: RelayConfig,
  next: RelayConfig,
  targets: ReloadTargets,
): Promise<{ result: ReloadResult; config: RelayConfig }> {
  const applied: string[] = [];
  let mapped = 0;
  if (!isDeepStrictEqual(current.events, next.events)) {
    mapped = await targets.events(next.events);
    applied.push('events');
  }
  if (next.hubspot.accessToken && next.hubspot.accessToken !== current.hubspot.accessToken) {
    targets.accessToken(next.hubspot.accessToken);
    applied.push('hubspot.accessToken');
  }
  if (next.hubspot.oauth && !isDeepStrictEqual(next.hubspot.oauth, current.hubspot.oauth) && targets.oauth) {
    targets.oauth(next.hubspot.oauth);
    applied.push('hubspot.oauth');
  }
  const sourcesChanged = !isDeepStrictEqual(current.sources, next.sources);
  const sourcesApplied = sourcesChanged && targets.sources(next.sources);
  if (sourcesApplied) applied.push('sources');
  const { accessToken: _old, oauth: _oldOAuth, ...hubspotBefore } = current.hubspot;
  const { accessToken: _new, oauth: _newOAuth, ...hubspotAfter } = next.hubspot;
  const needsRestart: string[] = (['server', 'store', 'processing', 'logging', 'admin', 'intake'] as const).filter(
    (key) => !isDeepStrictEqual(current[key], next[key]),
  );
  if (sourcesChanged && !sourcesApplied) needsRestart.push('sources');
  if (!isDeepStrictEqual(hubspotBefore, hubspotAfter)) needsRestart.push('hubspot');
  const config: RelayConfig = {
    ...current,
    events: next.events,
    sources: sourcesApplied ? next.sources : current.sources,
    hubspot: { ...current.hubspot, ...credentialsAfter(current.hubspot, next.hubspot) },
  };
  return { result: { applied, needsRestart, mapped }, config };
}

/** The credential running after a reload: the new file's (a token or OAuth), or, when it has none, the one running. */
function credentialsAfter(
  current: RelayConfig['hubspot'],
  next: RelayConfig['hubspot'],
): Pick<RelayConfig['hubspot'], 'accessToken' | 'oauth'> {
  if (next.accessToken) return { accessToken: next.accessToken, oauth: undefined };
  if (next.oauth) return { accessToken: undefined, oauth: next.oauth };
  return { accessToken: current.accessToken, oauth: current.oauth };
}
