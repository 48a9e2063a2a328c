import type { HubspotAttendanceState, HubspotEventRef } from './types.js';

/**
 * HubSpot's API versions for the Marketing Events API: the numbered `v3`, or a date version
 * (`2026-03`, `2026-09`, ...). HubSpot releases a date version every March and September, and
 * numbered versions become unsupported in September 2027:
 * https://developers.hubspot.com/docs/developer-tooling/platform/versioning
 * https://developers.hubspot.com/blog/a-developers-guide-to-hubspots-date-based-api-versioning
 * Both spellings take the same request and answer the same shapes (compare
 * dev/hubspot-simulator/spec/hubspot-marketing-events-v3.json with its 2026-09 sibling).
 */
export type HubspotApiVersion = 'v3' | `${number}-${'03' | '09'}`;

export const DEFAULT_API_VERSION: HubspotApiVersion = 'v3';
/** The newest date version the relay has been checked against (its spec is in dev/hubspot-simulator/spec). */
export const LATEST_DATE_VERSION: HubspotApiVersion = '2026-09';
/** A date version: a year, then March or September, the months HubSpot releases in. */
export const DATE_VERSION_PATTERN = '^[0-9]{4}-(03|09)$';
/** What `hubspot.apiVersion` accepts. */
export const API_VERSION_PATTERN = '^(v3|[0-9]{4}-(03|09))$';

export function isHubspotApiVersion(value: string): value is HubspotApiVersion {
  return new RegExp(API_VERSION_PATTERN).test(value);
}

/**
 * The base path of the Marketing Events API in a version: `/marketing/v3/marketing-events`, or
 * `/marketing/marketing-events/2026-09` (the date goes after the API's name). Every HubSpot call
 * the relay makes builds its path from this one function.
 */
export function marketingEventsBase(version: HubspotApiVersion = DEFAULT_API_VERSION): string {
  if (version === 'v3') return '/marketing/v3/marketing-events';
  if (!isHubspotApiVersion(version)) throw new RangeError(`not a HubSpot API version: ${String(version)}`);
  return `/marketing/marketing-events/${version}`;
}

/** One path segment; "." and ".." (which encodeURIComponent leaves alone) are escaped so no URL parser drops them. */
export function pathSegment(id: string): string {
  return id === '.' || id === '..' ? id.replaceAll('.', '%2E') : encodeURIComponent(id);
}

/** The email-create attendance path for an event, in the given API version. */
export function attendancePath(
  event: HubspotEventRef,
  state: HubspotAttendanceState,
  version: HubspotApiVersion = DEFAULT_API_VERSION,
): string {
  const base = marketingEventsBase(version);
  const s = encodeURIComponent(state);
  if ('objectId' in event) {
    return `${base}/${pathSegment(event.objectId)}/attendance/${s}/email-create`;
  }
  const query = new URLSearchParams({ externalAccountId: event.externalAccountId });
  return `${base}/attendance/${pathSegment(event.externalEventId)}/${s}/email-create?${query}`;
}

/**
 * Every marketing-events path the relay calls to create and maintain events, in one API version
 * (spec: dev/hubspot-simulator/spec/hubspot-marketing-events-v3.json, `paths`).
 */
export function marketingEventsPaths(version: HubspotApiVersion = DEFAULT_API_VERSION) {
  const base = marketingEventsBase(version);
  const event = (externalAccountId: string, externalEventId: string, action?: string) =>
    `${base}/events/${pathSegment(externalEventId)}${action ? `/${action}` : ''}?${new URLSearchParams({ externalAccountId })}`;
  return {
    /** POST BatchInputMarketingEventCreateRequestParams. */
    upsert: () => `${base}/events/upsert`,
    /** POST MarketingEventCompleteRequestParams. */
    complete: (externalAccountId: string, externalEventId: string) => event(externalAccountId, externalEventId, 'complete'),
    /** POST, no body. */
    cancel: (externalAccountId: string, externalEventId: string) => event(externalAccountId, externalEventId, 'cancel'),
    /** GET MarketingEventPublicReadResponse. */
    read: (externalAccountId: string, externalEventId: string) => event(externalAccountId, externalEventId),
  };
}
export type MarketingEventsPaths = ReturnType<typeof marketingEventsPaths>;
