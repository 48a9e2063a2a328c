import type { AttendanceFact, ContactDetails } from '../../domain/facts.js';
import type { AttendeeSnapshot, EventbriteDetails, EventbriteEnvelope } from './payloads.js';
import { eventbriteActionKind } from './verify.js';

/** Attendee `status` values that mean the ticket no longer stands (Eventbrite: "Not Attending", "Deleted", ...). */
const CANCELLED_STATUSES = new Set(['not attending', 'deleted', 'refunded', 'cancelled', 'canceled', 'voided']);
/** Order statuses that take every attendee of the order with them. */
const CANCELLED_ORDER_STATUSES = new Set(['refunded', 'deleted', 'cancelled', 'canceled', 'voided']);
/**
 * The `status` of a cancelled event: Eventbrite API v3's Event object lists `status` as "One of canceled,
 * live, started, ended, completed" (https://www.eventbrite.com/developer/v3/response_formats/event/).
 */
const CANCELED_EVENT = 'canceled';
/** Addresses in the order a contact's city/country are taken from (city and country from one address). */
const ADDRESS_ORDER = ['home', 'work', 'bill', 'ship'] as const;

function time(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

export function isCancelled(attendee: AttendeeSnapshot, orderStatus?: string): boolean {
  if (attendee.cancelled === true || attendee.refunded === true) return true;
  if (attendee.status !== undefined && CANCELLED_STATUSES.has(attendee.status.toLowerCase())) return true;
  return orderStatus !== undefined && CANCELLED_ORDER_STATUSES.has(orderStatus.toLowerCase());
}

/**
 * When the attendee checked in, or undefined when they are not checked in now. The `checked_in`
 * flag decides (a scan undone by barcode.un_checked_in clears it); the time is the first used
 * barcode's `changed` (when it was scanned), else the attendee's `changed`.
 */
export function checkedInAt(attendee: AttendeeSnapshot): number | undefined {
  const used = attendee.barcodes
    .filter((b) => b.status?.toLowerCase() === 'used')
    .map((b) => time(b.changed))
    .filter((t): t is number => t !== undefined);
  const checkedIn = attendee.checked_in ?? (attendee.status?.toLowerCase() === 'checked in' || used.length > 0);
  if (!checkedIn) return undefined;
  return used.length > 0 ? Math.min(...used) : (time(attendee.changed) ?? time(attendee.created));
}

/** HubSpot contact details from the attendee's profile. */
export function attendeeContact(attendee: AttendeeSnapshot): ContactDetails {
  const p = attendee.profile;
  const address = ADDRESS_ORDER.map((kind) => p.addresses?.[kind]).find(
    (a) => a !== undefined && (a.city !== undefined || a.country !== undefined),
  );
  return {
    email: p.email,
    firstName: p.first_name,
    lastName: p.last_name,
    fullName: p.name,
    company: p.company,
    jobTitle: p.job_title,
    phone: p.cell_phone ?? p.work_phone ?? p.home_phone,
    city: address?.city,
    country: address?.country,
  };
}

/**
 * What makes a check-in new: the attendee and the check-in time (a check-in undone and done again
 * is a new one). Registers and cancels need no key: Eventbrite's notices repeat whole states (each
 * is answered with the attendee as it is when fetched), and the attendance domain sends one
 * register per person until a cancel (src/domain/registrations.ts), ordered by the attendee's
 * `changed`, which moves with anything (a check-in, an edit) but never backwards.
 */
export function onceKey(attendee: AttendeeSnapshot, checkedInAt: number): string {
  return `attendee:${attendee.id}:attended:${checkedInAt}`;
}

/**
 * The facts in one Eventbrite notice and what was fetched for it. Pure: decided from the fetched
 * objects (the action only says whether a check-in is claimed), so it may run again on replay.
 */
export function eventbriteFacts(envelope: EventbriteEnvelope, details: EventbriteDetails | undefined): AttendanceFact[] {
  const kind = eventbriteActionKind(envelope.config.action);
  if (kind === 'check-out') return [{ kind: 'noted', reason: `${envelope.config.action}: HubSpot has no leave for a check-in` }];
  if (!details || (kind !== 'state' && kind !== 'check-in' && kind !== 'event')) return [];
  const facts: AttendanceFact[] = [];
  for (const [sourceEventId, schedule] of Object.entries(details.events ?? {})) {
    const startsAt = time(schedule.start);
    const endsAt = time(schedule.end);
    if (startsAt !== undefined) facts.push({ kind: 'event-scheduled', sourceEventId, startsAt, endsAt });
    const { name, url, description } = schedule;
    const cancelled = schedule.status?.toLowerCase() === CANCELED_EVENT;
    if (name || url || description || cancelled) {
      const details = Object.fromEntries(Object.entries({ name, url, description }).filter(([, v]) => v !== undefined));
      facts.push({ kind: 'event-details', sourceEventId, details, ...(cancelled ? { cancelled } : {}) });
    }
  }
  const stale = new Set(details.stale ?? []);
  for (const attendee of details.attendees) {
    if (stale.has(attendee.id)) continue;
    const sourceEventId = attendee.event_id;
    const contact = attendeeContact(attendee);
    // (An attendee without either time is not something Eventbrite sends; now is the last resort.)
    const changedAt = time(attendee.changed) ?? time(attendee.created) ?? Date.now();
    if (isCancelled(attendee, details.orderStatus)) {
      facts.push({ kind: 'cancelled', sourceEventId, occurredAt: changedAt, stateAt: changedAt, contact });
      continue;
    }
    if (kind === 'state') {
      const registeredAt = time(attendee.created) ?? changedAt;
      // HubSpot is told when the ticket was bought; `changed` orders the notices (see onceKey).
      facts.push({ kind: 'registered', sourceEventId, occurredAt: registeredAt, stateAt: changedAt, contact });
      continue;
    }
    // A check-in notice whose attendee is not checked in (any more) is stale: nothing to send.
    const joinedAt = checkedInAt(attendee);
    if (joinedAt === undefined) continue;
    const leftAt = time(details.events?.[sourceEventId]?.end);
    facts.push({
      kind: 'attended',
      sourceEventId,
      occurredAt: joinedAt,
      joinedAt,
      leftAt,
      contact,
      onceKey: onceKey(attendee, joinedAt),
    });
  }
  // An event with check-ins is completed at its scheduled end (Eventbrite sends nothing when it ends).
  const checkedIn = new Set(facts.flatMap((f) => (f.kind === 'attended' ? [f.sourceEventId] : [])));
  for (const sourceEventId of checkedIn) facts.push({ kind: 'event-details', sourceEventId, details: {}, completeAtEnd: true });
  return facts;
}
