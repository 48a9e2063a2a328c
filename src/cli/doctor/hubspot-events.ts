import { marketingEventsBase, type HubspotApiVersion } from '../../hubspot/api-paths.js';
import type { RelayConfig } from '../../config/schema.js';
import { callJson, field } from './http.js';
import { noteRateLimit } from './hubspot-token.js';
import { fail, ok, warn, type CheckResult, type DoctorContext } from './types.js';

const GROUP = 'events';
export const READ_SCOPE = 'crm.objects.marketing_events.read';

/** The Marketing Events paths of the configured API version (the client's one rule). */
export function marketingEventsPath(config: RelayConfig): string {
  return marketingEventsBase(config.hubspot.apiVersion as HubspotApiVersion | undefined);
}

/**
 * Each objectId mapping names an event of this portal: `GET .../marketing-events/{objectId}`
 * ("Get Marketing Event by objectId", scope crm.objects.marketing_events.read, in the official
 * spec dev/hubspot-simulator/spec/hubspot-marketing-events-v3.json). A read: nothing changes.
 */
export async function checkMappedEvents(context: DoctorContext): Promise<CheckResult[]> {
  const { config, hubspot } = context;
  const objectIds = [...new Set(config.events.flatMap((e) => ('objectId' in e.hubspot ? [e.hubspot.objectId] : [])))];
  if (objectIds.length === 0 || !hubspot.token) return [];
  if (hubspot.scopes && !hubspot.scopes.includes(READ_SCOPE)) {
    return [
      warn(
        GROUP,
        `${objectIds.length} objectId mapping(s) not checked: the token lacks ${READ_SCOPE}`,
        `Add ${READ_SCOPE} to the token's scopes so that doctor can read the mapped events.`,
      ),
    ];
  }
  const base = `${config.hubspot.baseUrl.replace(/\/+$/, '')}${marketingEventsPath(config)}`;
  const results: CheckResult[] = [];
  for (const objectId of objectIds) {
    const read = await callJson(`${base}/${encodeURIComponent(objectId)}`, {
      headers: { authorization: `Bearer ${hubspot.token}` },
      timeoutMs: context.timeoutMs,
    });
    if (!read.ok) {
      results.push(
        fail(
          GROUP,
          `objectId ${objectId}: HubSpot did not answer (${read.reason})`,
          'Check hubspot.baseUrl and the network, then run doctor again.',
        ),
      );
      continue;
    }
    noteRateLimit(context, read.answer.headers);
    const { status, body } = read.answer;
    const portal = hubspot.portalId === undefined ? 'this portal' : `portal ${hubspot.portalId}`;
    if (status === 200) results.push(ok(GROUP, `objectId ${objectId} is "${String(field(body, 'eventName') ?? '(no name)')}"`));
    else if (status === 404)
      results.push(
        fail(
          GROUP,
          `objectId ${objectId}: no marketing event in ${portal}`,
          'Copy the objectId from the event in HubSpot (Marketing → Events), or map the event by externalAccountId instead.',
        ),
      );
    else results.push(warn(GROUP, `objectId ${objectId}: HubSpot answered HTTP ${status}; not checked`));
  }
  return results;
}

/**
 * HubSpot's limit per app, from X-HubSpot-RateLimit-Max (and -Interval-Milliseconds) of the answers
 * above (https://developers.hubspot.com/docs/api/usage-details; OAuth calls carry them too since
 * https://developers.hubspot.com/changelog/rate-limit-headers-will-now-appear-for-oauth-authenticated-calls), against
 * hubspot.requestsPerTenSeconds: configured above HubSpot's, every window ends in 429s.
 */
export async function checkRateLimit(context: DoctorContext): Promise<CheckResult[]> {
  const { config, hubspot } = context;
  if (!hubspot.token) return [];
  const configured = config.hubspot.requestsPerTenSeconds;
  if (!hubspot.rateLimit) {
    return [
      warn(
        'hubspot',
        `HubSpot's rate limit not read (no answer carried X-HubSpot-RateLimit-Max); requestsPerTenSeconds is ${configured}`,
        "Map an event by objectId so that doctor reads the limit, or compare with your app's limit in HubSpot.",
      ),
    ];
  }
  const { max, intervalMs = 10_000 } = hubspot.rateLimit;
  const perTenSeconds = Math.floor((max * 10_000) / intervalMs);
  return configured > perTenSeconds
    ? [
        fail(
          'hubspot',
          `hubspot.requestsPerTenSeconds is ${configured}, above HubSpot's limit of ${perTenSeconds} per 10 s for this app`,
          `Set hubspot.requestsPerTenSeconds to ${perTenSeconds} or less.`,
        ),
      ]
    : [ok('hubspot', `hubspot.requestsPerTenSeconds ${configured} is within HubSpot's limit (${perTenSeconds} per 10 s)`)];
}
