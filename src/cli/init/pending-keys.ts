import { LATEST_DATE_VERSION } from '../../hubspot/api-paths.js';

/**
 * Keys issue 19 asks `init` to write that today's configuration schema does not have yet: writing
 * them now would make the file fail to load. Each is turned on (one line) when its change merges:
 *   - `hubspot.apiVersion` (issue 19, date-based API versions): init writes the latest date version;
 *   - `events[].hubspot.createEvents` (issue 14): on by default where the source supplies an
 *     event's details (Zoom, Eventbrite), as `createEvents: { eventOrganizer: ... }`.
 */
export const PENDING_KEYS = {
  /** The latest HubSpot date version init writes, or undefined while `hubspot.apiVersion` does not exist. */
  hubspotApiVersion: LATEST_DATE_VERSION as string | undefined,
  /** Whether `createEvents` is written on the catch-all mapping of the sources in CREATE_EVENTS_SOURCES. */
  createEvents: false,
};

/** Sources whose webhooks (or API) give an event's name and times, so that the relay can create it. */
export const CREATE_EVENTS_SOURCES: readonly string[] = ['zoom', 'eventbrite'];
