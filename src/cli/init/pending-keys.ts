/**
 * Keys issue 19 asks `init` to write that today's configuration schema does not have yet: writing
 * them now would make the file fail to load. Each is turned on (one line) when its change merges:
 *   - `hubspot.apiVersion` (issue 19, date-based API versions): init writes the latest date version;
 *   - `events[].createEvents` (issue 14): on by default where the source supports creating events.
 */
export const PENDING_KEYS = {
  /** The latest HubSpot date version init writes, or undefined while `hubspot.apiVersion` does not exist. */
  hubspotApiVersion: undefined as string | undefined,
  /** Whether `createEvents: true` is written on each source's catch-all mapping. */
  createEvents: false,
};
