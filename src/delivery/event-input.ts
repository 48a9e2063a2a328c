import type { EventCreation } from '../domain/event-mappings.js';
import type { ManagedEvent } from '../store/ports.js';

/**
 * One `MarketingEventCreateRequestParams` (spec: dev/hubspot-simulator/spec/hubspot-marketing-events-v3.json;
 * required: externalAccountId, externalEventId, eventName, eventOrganizer, customProperties) from what the
 * source told and the mapping's createEvents settings (read at send time, so a reload applies).
 */
export function eventCreateInput(event: ManagedEvent, creation: EventCreation): Record<string, unknown> {
  const { details } = event;
  const input: Record<string, unknown> = {
    externalAccountId: event.externalAccountId,
    externalEventId: event.externalEventId,
    eventName: details.name ?? creation.name ?? `${event.sourceId} event ${event.sourceEventId}`,
    eventOrganizer: creation.createEvents.eventOrganizer,
    customProperties: Object.entries(creation.createEvents.customProperties ?? {}).map(([name, value]) => propertyValue(name, value)),
  };
  const endsAt = details.endsAt ?? (creation.endsAt === undefined ? undefined : new Date(creation.endsAt).toISOString());
  if (details.startsAt) input.startDateTime = details.startsAt;
  if (endsAt) input.endDateTime = endsAt;
  if (details.url) input.eventUrl = details.url;
  if (details.description) input.eventDescription = details.description;
  if (creation.createEvents.eventType) input.eventType = creation.createEvents.eventType;
  return input;
}

/**
 * A spec `PropertyValue`: the spec marks all twenty fields required, though only name and value carry
 * meaning for a write; the rest are sent neutral (and fixed, so an unchanged event compares equal).
 */
export function propertyValue(name: string, value: string): Record<string, unknown> {
  return {
    name,
    value,
    dataSensitivity: 'none',
    isEncrypted: false,
    isLargeValue: false,
    maskedSubstrings: { substrings: [] },
    persistenceTimestamp: 0,
    requestId: '',
    selectedByUser: false,
    selectedByUserTimestamp: 0,
    source: 'INTEGRATION',
    sourceId: '',
    sourceLabel: '',
    sourceMetadata: '',
    sourceUpstreamDeployable: '',
    sourceVid: [],
    timestamp: 0,
    unit: '',
    updatedByUserId: 0,
    useTimestampAsPersistenceTimestamp: false,
  };
}

/** The times of a complete (MarketingEventCompleteRequestParams): the actual start when known, else the scheduled one. */
export function completeTimes(event: ManagedEvent, endDateTime: string, knownStart?: string) {
  const startDateTime = knownStart || event.details.startedAt || event.details.startsAt || endDateTime;
  return { startDateTime, endDateTime };
}
