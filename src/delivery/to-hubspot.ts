import type { SubscriberState } from '../domain/facts.js';
import { parseTargetKey } from '../domain/event-mappings.js';
import type { HubspotAttendanceState, HubspotEventRef } from '../hubspot/types.js';

/** The HubSpot event a stored record's target key names. */
export function hubspotEventRef(targetKey: string): HubspotEventRef {
  const target = parseTargetKey(targetKey);
  return target.kind === 'object'
    ? { objectId: target.objectId }
    : { externalAccountId: target.externalAccountId, externalEventId: target.externalEventId };
}

/** Each attendance state under HubSpot's name for it (the same words today; the compiler checks none is missed). */
const HUBSPOT_STATE: Record<SubscriberState, HubspotAttendanceState> = { register: 'register', attend: 'attend', cancel: 'cancel' };

export function hubspotState(state: SubscriberState): HubspotAttendanceState {
  return HUBSPOT_STATE[state];
}
