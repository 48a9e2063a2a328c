/**
 * Webhook bodies shaped like each platform's, with the fields the presets read (see
 * src/sources/generic/presets/README.md for where each shape comes from). Written for these tests,
 * trimmed to what matters plus a few neighbours.
 */

export interface Person {
  email: string;
  firstName?: string;
  lastName?: string;
  company?: string;
}

/** Tito: registration.* payloads (a registration, its tickets inside). */
export function titoRegistration(eventSlug: string, person: Person, at: string) {
  return {
    _type: 'registration',
    id: 3509443,
    slug: 'dp6I7t2upnnXrka6GsXlw4A',
    reference: 'E9IM',
    name: [person.firstName, person.lastName].filter(Boolean).join(' '),
    first_name: person.firstName,
    last_name: person.lastName,
    email: person.email,
    phone_number: '',
    company_name: person.company ?? null,
    created_at: at,
    completed_at: at,
    updated_at: at,
    paid: true,
    tickets: [{ reference: 'E9IM-1', email: person.email, first_name: person.firstName, last_name: person.lastName }],
    event: {
      _type: 'event',
      id: 1058621,
      title: 'Caramel',
      account_slug: 'biscuit-box',
      slug: eventSlug,
      start_date: null,
      end_date: null,
    },
  };
}

/** Tito: ticket.* payloads. */
export function titoTicket(eventSlug: string, person: Person, at: string, state: 'complete' | 'void' = 'complete') {
  return {
    _type: 'ticket',
    id: 3068966,
    name: [person.firstName, person.lastName].filter(Boolean).join(' '),
    first_name: person.firstName,
    last_name: person.lastName,
    email: person.email,
    phone_number: null,
    company_name: person.company ?? '',
    reference: 'E9IM-1',
    slug: 'd01jGQ3RInVjEh6Imhwg9MA',
    state_name: state,
    updated_at: at,
    release_title: 'Early Bird',
    registration_id: 3509443,
    event: {
      _type: 'event',
      id: 1058621,
      title: 'Caramel',
      account_slug: 'biscuit-box',
      slug: eventSlug,
      start_date: null,
      end_date: null,
    },
  };
}

/** Tito: checkin.* payloads (a check-in; the ticket it checked in is nested). */
export function titoCheckin(eventSlug: string, person: Person, at: string) {
  return {
    _type: 'checkin',
    id: 9912,
    uuid: '0b8d9c8c-4b47-4b0e-9a39-3d5c3f1f2a11',
    created_at: at,
    updated_at: at,
    ticket: titoTicket(eventSlug, person, at),
  };
}

/** Luma: guest.registered / guest.updated (`{ type, data: guest }`). */
export function lumaGuest(
  type: 'guest.registered' | 'guest.updated',
  eventId: string,
  person: Person,
  registeredAt: string,
  checkedInAt: string | null = null,
) {
  return {
    type,
    data: {
      id: 'gst-7Jk2ab',
      user_id: 'usr-0kD2',
      user_email: person.email,
      user_name: [person.firstName, person.lastName].filter(Boolean).join(' ') || null,
      user_first_name: person.firstName ?? null,
      user_last_name: person.lastName ?? null,
      approval_status: 'approved',
      registered_at: registeredAt,
      joined_at: null,
      phone_number: null,
      event_tickets: [{ id: 'tkt-1', name: 'Standard', amount: 0, currency: null, checked_in_at: checkedInAt, is_captured: true }],
      event: {
        id: eventId,
        name: 'Caramel meetup',
        start_at: '2026-11-20T15:00:00.000Z',
        end_at: '2026-11-20T17:00:00.000Z',
        timezone: 'Europe/Dublin',
      },
    },
  };
}

/** Livestorm: people.registered / people.attended (JSON:API `people` resource, event name in `meta`). */
export function livestormPeople(
  event: 'people.registered' | 'people.attended',
  eventId: string,
  person: Person,
  registeredAtSeconds: number,
  session?: { startedAt: number; endedAt: number },
) {
  return {
    data: {
      id: 'a1b2c3d4-people',
      type: 'people',
      attributes: {
        role: 'participant',
        created_at: registeredAtSeconds,
        updated_at: registeredAtSeconds,
        first_name: person.firstName,
        last_name: person.lastName,
        email: person.email,
        registrant_detail: {
          event_id: eventId,
          session_id: 'sess-1',
          created_at: registeredAtSeconds,
          attended: event === 'people.attended',
          attendance_duration: event === 'people.attended' ? 2700 : 0,
          fields: [
            { id: 'email', type: 'text', value: person.email, required: true },
            { id: 'first_name', type: 'text', value: person.firstName ?? null, required: true },
          ],
        },
      },
    },
    included: session
      ? [{ id: 'sess-1', type: 'sessions', attributes: { started_at: session.startedAt, ended_at: session.endedAt, status: 'past' } }]
      : [],
    meta: { event },
  };
}
