import type { AttendanceFact } from './facts.js';

/**
 * A webhook reports what has happened, so its event times cannot be later than when it reached
 * the relay, give or take `maxAheadMs` of clock difference. Only the webhook's arrival is checked
 * against a clock at intake (Zoom signs the request timestamp, not the times in the body), so a
 * join_time a year ahead would otherwise become an attend in the future. Such a time is replaced
 * by the arrival time; what was replaced is returned for the log.
 *
 * Not bounded: scheduled times (an event's start and end may be months ahead), a whole
 * attendance's `leftAt` (a check-in's leave is often the event's planned end), and inputs already
 * in HubSpot's shape (the HubSpot-compatible intake sends what its caller gives, as HubSpot would).
 */
export function boundEventTimes(fact: AttendanceFact, receivedAt: number, maxAheadMs: number): { fact: AttendanceFact; clamped: string[] } {
  const clamped: string[] = [];
  const bound = (field: string, at: number) => {
    if (at <= receivedAt + maxAheadMs) return at;
    clamped.push(`${field} ${new Date(at).toISOString()}`);
    return receivedAt;
  };
  switch (fact.kind) {
    case 'registered':
    case 'cancelled':
    case 'joined':
    case 'left':
    case 'event-ended':
      return { fact: { ...fact, occurredAt: bound('occurredAt', fact.occurredAt) }, clamped };
    case 'attended':
      return { fact: { ...fact, occurredAt: bound('occurredAt', fact.occurredAt), joinedAt: bound('joinedAt', fact.joinedAt) }, clamped };
    default:
      return { fact, clamped };
  }
}
