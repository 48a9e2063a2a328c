/** Where HubSpot's marketing events API lives today; a dated API version swaps this one value. */
export const MARKETING_EVENTS_BASE = '/marketing/v3/marketing-events';

/** One path segment; "." and ".." are escaped so no URL parser drops them. */
function segment(id: string): string {
  return id === '.' || id === '..' ? id.replaceAll('.', '%2E') : encodeURIComponent(id);
}

/**
 * Every marketing-events path the relay calls to create and maintain events, built from one base
 * (spec: dev/hubspot-simulator/spec/hubspot-marketing-events-v3.json, `paths`).
 */
export function marketingEventsPaths(base: string = MARKETING_EVENTS_BASE) {
  const event = (externalAccountId: string, externalEventId: string, action?: string) =>
    `${base}/events/${segment(externalEventId)}${action ? `/${action}` : ''}?${new URLSearchParams({ externalAccountId })}`;
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
