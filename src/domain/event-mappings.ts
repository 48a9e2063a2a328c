/** A HubSpot marketing event, by its object id or by the external app's ids. */
export type HubspotTarget = { kind: 'object'; objectId: string } | { kind: 'external'; externalAccountId: string; externalEventId: string };

/** "." and "..": URL path segments that clients and servers normalise away, so never an id in a path. */
export function isDotSegment(id: string): boolean {
  return id === '.' || id === '..';
}

/** The same rule as a JSON-schema pattern (for route parameters and payload schemas). */
export const NOT_DOT_SEGMENT = '^(?!\\.\\.?$)';

/** A stable string for a target, stored with each record: `object:<id>` or `external:<account>:<event>`. */
export function targetKey(target: HubspotTarget): string {
  return target.kind === 'object'
    ? `object:${target.objectId}`
    : `external:${encodeURIComponent(target.externalAccountId)}:${encodeURIComponent(target.externalEventId)}`;
}

export function parseTargetKey(key: string): HubspotTarget {
  const [kind, first = '', second = ''] = key.split(':');
  if (kind === 'object') return { kind, objectId: key.slice('object:'.length) };
  if (kind === 'external') {
    return { kind, externalAccountId: decodeURIComponent(first), externalEventId: decodeURIComponent(second) };
  }
  throw new Error(`not a target key: ${key}`);
}

/** One configured mapping: a source event (or "*", every event of the source) to a HubSpot event. */
export interface EventMapping {
  source: string;
  sourceEventId: string;
  /** By object id, or by the external app's ids (the event id defaults to the source event id). */
  hubspot:
    | { objectId: string }
    | { externalAccountId: string; externalEventId?: string }
    /**
     * The relay creates the event; the account id defaults to the account the webhook names (Zoom's
     * `account_id`), else the source's id.
     */
    | { externalAccountId?: string; externalEventId?: string; createEvents: CreateEvents };
  /** When the event ends (ISO-8601): the leave time of an attendance whose source gives none. */
  endsAt?: string;
  /** The event's name, for an event the relay creates whose source gives none. */
  name?: string;
}

/** What the relay needs to create a HubSpot marketing event (`createEvents`). */
export interface CreateEvents {
  eventOrganizer: string;
  eventType?: string;
  customProperties?: Record<string, string>;
}

/** A mapped event the relay creates in HubSpot: its external ids and the mapping's settings. */
export interface EventCreation {
  externalAccountId: string;
  externalEventId: string;
  targetKey: string;
  createEvents: CreateEvents;
  name?: string;
  endsAt?: number;
}

/** Resolves a source event to its HubSpot event: an exact mapping wins over the source's "*". */
export class EventMappings {
  private readonly exact = new Map<string, EventMapping>();
  private readonly wildcard = new Map<string, EventMapping>();

  constructor(events: EventMapping[]) {
    for (const event of events) {
      if (event.sourceEventId === '*') this.wildcard.set(event.source, event);
      else this.exact.set(`${event.source}\u0000${event.sourceEventId}`, event);
    }
  }

  private mappingOf(sourceId: string, sourceEventId: string): EventMapping | undefined {
    return this.exact.get(`${sourceId}\u0000${sourceEventId}`) ?? this.wildcard.get(sourceId);
  }

  /** The mapped event's end (epoch ms), when its mapping names one. */
  endsAt(sourceId: string, sourceEventId: string): number | undefined {
    const endsAt = this.mappingOf(sourceId, sourceEventId)?.endsAt;
    return endsAt ? Date.parse(endsAt) : undefined;
  }

  /**
   * The target key, or null when the event is not mapped (yet). `sourceAccountId`: the platform account
   * the webhook names (Zoom's `account_id`), the account of a createEvents mapping that names none.
   */
  resolve(sourceId: string, sourceEventId: string, sourceAccountId?: string): string | null {
    const mapping = this.mappingOf(sourceId, sourceEventId);
    if (!mapping) return null;
    const { hubspot } = mapping;
    // Configured ids are checked at start-up; a source's own event id may still be "." or "..".
    if (!('objectId' in hubspot) && hubspot.externalEventId === undefined && isDotSegment(sourceEventId)) return null;
    return 'objectId' in hubspot
      ? targetKey({ kind: 'object', objectId: hubspot.objectId })
      : targetKey({
          kind: 'external',
          externalAccountId: accountOf(hubspot, sourceId, sourceAccountId),
          externalEventId: hubspot.externalEventId ?? sourceEventId,
        });
  }

  /** How to create the mapped event in HubSpot, when its mapping has `createEvents`. */
  creation(sourceId: string, sourceEventId: string, sourceAccountId?: string): EventCreation | undefined {
    const mapping = this.mappingOf(sourceId, sourceEventId);
    const key = this.resolve(sourceId, sourceEventId, sourceAccountId);
    if (!mapping || key === null || !('createEvents' in mapping.hubspot)) return undefined;
    const { hubspot } = mapping;
    return {
      externalAccountId: accountOf(hubspot, sourceId, sourceAccountId),
      externalEventId: hubspot.externalEventId ?? sourceEventId,
      targetKey: key,
      createEvents: hubspot.createEvents,
      name: mapping.name,
      endsAt: mapping.endsAt ? Date.parse(mapping.endsAt) : undefined,
    };
  }
}

/**
 * The external account id: the configured one; else, for an event the relay creates, the platform's
 * account the webhook names; else the source id. A mapping without createEvents keeps the source id
 * (its events were made by someone else under the ids the mapping documents).
 */
function accountOf(hubspot: EventMapping['hubspot'], sourceId: string, sourceAccountId: string | undefined): string {
  if ('objectId' in hubspot) return sourceId;
  if (hubspot.externalAccountId !== undefined) return hubspot.externalAccountId;
  return ('createEvents' in hubspot ? sourceAccountId : undefined) || sourceId;
}
