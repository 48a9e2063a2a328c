import { clean as text } from '../../domain/contact.js';
import { checker } from '../check.js';
import { DetailsFetchError, DetailsUnreadableError } from '../types.js';
import type { EventbriteClient } from './client.js';
import {
  FetchedAttendee,
  FetchedEvent,
  FetchedOrder,
  type AttendeeSnapshot,
  type EventSchedule,
  type EventbriteDetails,
  type EventbriteEnvelope,
} from './payloads.js';
import { apiUrlUnderBase, eventbriteActionKind, isOrderUrl } from './verify.js';

const checkAttendee = checker(FetchedAttendee);
const checkOrder = checker(FetchedOrder);
const checkEvent = checker(FetchedEvent);

const flag = (value: boolean | null | undefined): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

/** The fetched attendee, cut down to what interpret reads (no costs, answers or QR codes are kept). */
export function attendeeSnapshot(a: FetchedAttendee): AttendeeSnapshot {
  const p = a.profile;
  const addresses: AttendeeSnapshot['profile']['addresses'] = {};
  for (const kind of ['home', 'work', 'bill', 'ship'] as const) {
    const address = p.addresses?.[kind];
    const city = text(address?.city);
    const country = text(address?.country);
    if (city !== undefined || country !== undefined) addresses[kind] = { city, country };
  }
  return {
    id: String(a.id),
    event_id: String(a.event_id),
    order_id: text(a.order_id),
    created: text(a.created),
    changed: text(a.changed),
    status: text(a.status),
    cancelled: flag(a.cancelled),
    refunded: flag(a.refunded),
    checked_in: flag(a.checked_in),
    profile: {
      email: text(p.email),
      first_name: text(p.first_name),
      last_name: text(p.last_name),
      name: text(p.name),
      company: text(p.company),
      job_title: text(p.job_title),
      cell_phone: text(p.cell_phone),
      work_phone: text(p.work_phone),
      home_phone: text(p.home_phone),
      addresses: Object.keys(addresses).length > 0 ? addresses : undefined,
    },
    barcodes: (a.barcodes ?? []).map((b) => ({ status: text(b.status), changed: text(b.changed) })),
  };
}

/** Turns an unexpected answer into an error that fetching again cannot fix (the webhook is parked with the reason). */
function shaped<T>(assert: () => T): T {
  try {
    return assert();
  } catch (error) {
    throw new DetailsUnreadableError(`Eventbrite answered an unexpected object: ${(error as Error).message}`);
  }
}

export interface FetchContext {
  client: EventbriteClient;
  base: URL;
  /** The event's schedule, fetched once and cached (see EventCache); `fresh` fetches it again. */
  event(eventId: string, signal: AbortSignal, fresh?: boolean): Promise<EventSchedule | undefined>;
  /** Records the attendee's fetched `changed`; false when a later one was fetched already. */
  isLatest(attendeeId: string, changed: string | undefined): boolean;
}

/**
 * Reads what a stored notice points at: the order (with `expand=attendees`), the attendee, or the
 * event (event.updated); for orders and check-ins also the attendees' events (end, name, status). Runs in the
 * background, never inside the request; every failure is a DetailsFetchError (retryable or not).
 */
export async function fetchEventbriteDetails(
  envelope: EventbriteEnvelope,
  ctx: FetchContext,
  signal: AbortSignal,
): Promise<EventbriteDetails> {
  const kind = eventbriteActionKind(envelope.config.action);
  if (kind !== 'state' && kind !== 'check-in' && kind !== 'event')
    throw new DetailsFetchError(`action ${envelope.config.action} has nothing to fetch`, false);
  // Checked again here: a notice stored under another apiBaseUrl (then replayed) is never fetched elsewhere.
  const url = apiUrlUnderBase(envelope.api_url, ctx.base);
  if (!url) throw new DetailsFetchError('api_url is not under apiBaseUrl: not fetched', false);

  if (kind === 'event') return fetchedEvent(url, ctx, signal);
  let details: EventbriteDetails;
  if (isOrderUrl(url)) {
    url.searchParams.set('expand', 'attendees');
    const body = await ctx.client.getJson(url, signal);
    const order = shaped(() => checkOrder.assert(body, 'order'));
    details = { resource: 'order', orderStatus: text(order.status), attendees: order.attendees.map(attendeeSnapshot) };
  } else {
    const body = await ctx.client.getJson(url, signal);
    details = { resource: 'attendee', attendees: [attendeeSnapshot(shaped(() => checkAttendee.assert(body, 'attendee')))] };
  }

  // Check-ins, for the end; orders too (one GET per event and cache period): an event the relay
  // creates (createEvents) gets its name, times and link from its first order.
  if (kind === 'check-in' || details.resource === 'order') {
    const events: Record<string, EventSchedule> = {};
    for (const eventId of new Set(details.attendees.map((a) => a.event_id))) {
      const schedule = await ctx.event(eventId, signal);
      if (schedule) events[eventId] = schedule;
    }
    if (Object.keys(events).length > 0) details.events = events;
  }

  const stale = details.attendees.filter((a) => !ctx.isLatest(a.id, a.changed)).map((a) => a.id);
  if (stale.length > 0) details.stale = stale;
  return details;
}

/** An event.updated notice: `api_url` is the event (`…/events/{id}/`), fetched fresh (the cache is renewed). */
async function fetchedEvent(url: URL, ctx: FetchContext, signal: AbortSignal): Promise<EventbriteDetails> {
  const eventId = /\/events\/([A-Za-z0-9_-]+)\/?$/.exec(url.pathname)?.[1];
  if (!eventId) throw new DetailsFetchError('event.updated: api_url names no event', false);
  const schedule = await ctx.event(eventId, signal, true);
  if (!schedule) throw new DetailsFetchError(`event ${eventId} could not be read`, false);
  return { resource: 'event', attendees: [], events: { [eventId]: schedule } };
}

/** The schedule in a fetched event object. */
export function eventSchedule(body: unknown): EventSchedule {
  const event = shaped(() => checkEvent.assert(body, 'event'));
  // Eventbrite API v3 event object: name and description are { text, html }, url a string
  // (https://www.eventbrite.com/platform/api#/reference/event/retrieve/retrieve-an-event).
  const loose = event as { name?: { text?: unknown }; description?: { text?: unknown }; url?: unknown };
  const schedule: EventSchedule = { start: text(event.start?.utc), end: text(event.end?.utc) };
  if (typeof loose.name?.text === 'string' && loose.name.text !== '') schedule.name = loose.name.text;
  if (typeof loose.url === 'string' && loose.url !== '') schedule.url = loose.url;
  if (typeof loose.description?.text === 'string' && loose.description.text !== '') schedule.description = loose.description.text;
  const status = (event as { status?: unknown }).status;
  if (typeof status === 'string' && status !== '') schedule.status = status;
  return schedule;
}
