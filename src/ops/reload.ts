import { isDeepStrictEqual } from 'node:util';
import type { RelayConfig } from '../config/schema.js';
import type { ReloadResult } from './admin-routes.js';

export interface ReloadTargets {
  /** New event mappings; resolves to how many unmapped records now map. */
  events(events: RelayConfig['events']): Promise<number>;
  accessToken(token: string): void;
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
  const { accessToken: _old, ...hubspotBefore } = current.hubspot;
  const { accessToken: _new, ...hubspotAfter } = next.hubspot;
  const needsRestart: string[] = (['server', 'store', 'processing', 'logging', 'admin', 'intake', 'sources'] as const).filter(
    (key) => !isDeepStrictEqual(current[key], next[key]),
  );
  if (!isDeepStrictEqual(hubspotBefore, hubspotAfter)) needsRestart.push('hubspot');
  const config: RelayConfig = {
    ...current,
    events: next.events,
    hubspot: { ...current.hubspot, accessToken: next.hubspot.accessToken ?? current.hubspot.accessToken },
  };
  return { result: { applied, needsRestart, mapped }, config };
}
