import { Type, type Static } from 'typebox';

/**
 * Eventbrite's webhook notice: thin and unsigned. It names what changed (`config.action`) and where
 * to read it (`api_url`), nothing more; the person is fetched from `api_url` with the organizer's token.
 * Real deliveries: test/fixtures/eventbrite/ (Eventbrite's Webhooks guide lists the same two keys).
 */
export const EventbriteEnvelope = Type.Object(
  {
    config: Type.Object(
      {
        action: Type.String({ minLength: 1, maxLength: 200, description: 'e.g. order.placed, attendee.updated, barcode.checked_in, test' }),
        user_id: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
        endpoint_url: Type.Optional(Type.String()),
        webhook_id: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
      },
      { additionalProperties: true },
    ),
    api_url: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'The Eventbrite API object that changed; fetched only when under apiBaseUrl',
    }),
  },
  { additionalProperties: true },
);
export type EventbriteEnvelope = Static<typeof EventbriteEnvelope>;

/*
 * The objects fetched from api_url, as Eventbrite's API v3 returns them. Field names follow
 * Eventbrite's Attendee, Order and Event objects (eventbrite.com/platform/api, "Attendee": id,
 * changed, created, status, cancelled, refunded, checked_in, event_id, order_id, profile{...},
 * barcodes[{barcode, status (unused/used), changed, checkin_type}]; "Order": id, status, event_id,
 * attendees (with expand=attendees); "Event": id, start/end {timezone, local, utc}). Only what the
 * relay reads is checked; everything else is ignored. Ids arrive as strings; numbers are taken too.
 */
const Id = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Integer({ minimum: 0 })]);
const Text = Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Null()]));
const Flag = Type.Optional(Type.Union([Type.Boolean(), Type.Null()]));

const FetchedAddress = Type.Union([Type.Object({ city: Text, region: Text, country: Text }, { additionalProperties: true }), Type.Null()]);

export const FetchedAttendee = Type.Object(
  {
    id: Id,
    event_id: Id,
    order_id: Type.Optional(Type.Union([Id, Type.Null()])),
    created: Text,
    changed: Text,
    status: Text,
    cancelled: Flag,
    refunded: Flag,
    checked_in: Flag,
    profile: Type.Object(
      {
        email: Text,
        first_name: Text,
        last_name: Text,
        name: Text,
        company: Text,
        job_title: Text,
        cell_phone: Text,
        work_phone: Text,
        home_phone: Text,
        addresses: Type.Optional(
          Type.Union([
            Type.Object(
              {
                home: Type.Optional(FetchedAddress),
                work: Type.Optional(FetchedAddress),
                bill: Type.Optional(FetchedAddress),
                ship: Type.Optional(FetchedAddress),
              },
              { additionalProperties: true },
            ),
            Type.Null(),
          ]),
        ),
      },
      { additionalProperties: true },
    ),
    barcodes: Type.Optional(
      Type.Union([
        Type.Array(Type.Object({ barcode: Text, status: Text, created: Text, changed: Text }, { additionalProperties: true })),
        Type.Null(),
      ]),
    ),
  },
  { additionalProperties: true },
);
export type FetchedAttendee = Static<typeof FetchedAttendee>;

export const FetchedOrder = Type.Object(
  { id: Id, status: Text, event_id: Type.Optional(Id), attendees: Type.Array(FetchedAttendee) },
  { additionalProperties: true },
);
export type FetchedOrder = Static<typeof FetchedOrder>;

const EventTime = Type.Optional(
  Type.Union([Type.Object({ utc: Text, timezone: Text, local: Text }, { additionalProperties: true }), Type.Null()]),
);
export const FetchedEvent = Type.Object({ id: Id, start: EventTime, end: EventTime }, { additionalProperties: true });
export type FetchedEvent = Static<typeof FetchedEvent>;

/** One attendee as kept with the stored notice: what interpret reads, in Eventbrite's own names. */
export interface AttendeeSnapshot {
  id: string;
  event_id: string;
  order_id?: string;
  created?: string;
  changed?: string;
  status?: string;
  cancelled?: boolean;
  refunded?: boolean;
  checked_in?: boolean;
  profile: {
    email?: string;
    first_name?: string;
    last_name?: string;
    name?: string;
    company?: string;
    job_title?: string;
    cell_phone?: string;
    work_phone?: string;
    home_phone?: string;
    addresses?: Partial<Record<'home' | 'work' | 'bill' | 'ship', { city?: string; country?: string }>>;
  };
  barcodes: Array<{ status?: string; changed?: string }>;
}

/** When an event starts and ends (UTC ISO-8601, as Eventbrite's `start.utc`/`end.utc`). */
export interface EventSchedule {
  start?: string;
  end?: string;
  /** For a HubSpot event the relay creates (createEvents): `name.text`, `url`, `description.text`. */
  name?: string;
  url?: string;
  description?: string;
  /** The event object's `status`: canceled, live, started, ended or completed (https://www.eventbrite.com/developer/v3/response_formats/event/). */
  status?: string;
}

/** What fetchDetails stores with a notice (JSON): everything interpret needs, nothing more. */
export interface EventbriteDetails {
  /** What api_url named. */
  resource: 'order' | 'attendee' | 'event';
  /** The order's status (orders only), e.g. `placed`, `refunded`. */
  orderStatus?: string;
  attendees: AttendeeSnapshot[];
  /** The events of the attendees, by id (fetched once, then cached; fresh for event.updated). */
  events?: Record<string, EventSchedule>;
  /**
   * Attendees whose fetched state is older than one this process already fetched (a slow answer
   * overtaken by a later notice's): skipped, so an old `register` never follows a newer `cancel`.
   */
  stale?: string[];
}
