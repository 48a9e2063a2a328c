import { describe, expect, it } from 'vitest';
import { attendeeSnapshot } from '../../../src/sources/eventbrite/fetch.js';
import { attendeeContact, checkedInAt, eventbriteFacts, isCancelled } from '../../../src/sources/eventbrite/map.js';
import { FetchedAttendee, type AttendeeSnapshot, type EventbriteDetails } from '../../../src/sources/eventbrite/payloads.js';
import { checker } from '../../../src/sources/check.js';
import { eventbriteNotice } from '../../simulators/eventbrite/notices.js';

const BASE = 'https://www.eventbriteapi.com/v3';
const EVENT = '717926867587';

/** An attendee as Eventbrite's API answers it (field names from its Attendee object). */
function fetched(overrides: Record<string, unknown> = {}, profile: Record<string, unknown> = {}) {
  return {
    team: null,
    resource_uri: `${BASE}/events/${EVENT}/attendees/15352852869/`,
    id: '15352852869',
    changed: '2026-10-01T12:46:32Z',
    created: '2026-10-01T12:46:30Z',
    quantity: 1,
    variant_id: null,
    profile: { first_name: 'Tunde', last_name: 'Akeju', email: 'Tunde.Akeju@Example.com', name: 'Tunde Akeju', addresses: {}, ...profile },
    barcodes: [
      {
        status: 'unused',
        barcode: '929081958915352852869001',
        created: '2026-10-01T12:46:35Z',
        changed: '2026-10-01T12:46:35Z',
        checkin_type: 0,
        is_printed: false,
      },
    ],
    answers: [],
    checked_in: false,
    cancelled: false,
    refunded: false,
    affiliate: 'oddtdtcreator',
    guestlist_id: null,
    invited_by: null,
    status: 'Attending',
    ticket_class_name: 'General Admission',
    delivery_method: 'electronic',
    event_id: EVENT,
    order_id: '9290819589',
    ticket_class_id: '1460879529',
    ...overrides,
  };
}

const check = checker(FetchedAttendee);
function snapshot(overrides: Record<string, unknown> = {}, profile: Record<string, unknown> = {}): AttendeeSnapshot {
  return attendeeSnapshot(check.assert(fetched(overrides, profile), 'attendee'));
}

const notice = (action: string, path = `/events/${EVENT}/attendees/15352852869/`) => eventbriteNotice(action, `${BASE}${path}`);
const details = (attendees: AttendeeSnapshot[], extra: Partial<EventbriteDetails> = {}): EventbriteDetails => ({
  resource: 'attendee',
  attendees,
  ...extra,
});

describe('Eventbrite facts: register and cancel are decided from the fetched attendee', () => {
  it('when order.placed fetched an order of two attendees, then one register each, at their creation, from the event of each attendee', () => {
    const a = snapshot();
    const b = snapshot({ id: '15352852870' }, { email: 'b@example.com', first_name: 'B', last_name: 'Person', name: 'B Person' });
    const facts = eventbriteFacts(
      notice('order.placed', '/orders/9290819589/'),
      details([a, b], { resource: 'order', orderStatus: 'placed' }),
    );
    expect(facts).toEqual([
      {
        kind: 'registered',
        sourceEventId: EVENT,
        occurredAt: Date.parse('2026-10-01T12:46:30Z'),
        contact: expect.objectContaining({ email: 'Tunde.Akeju@Example.com', firstName: 'Tunde', lastName: 'Akeju' }),
        stateAt: Date.parse('2026-10-01T12:46:32Z'),
      },
      expect.objectContaining({ kind: 'registered', contact: expect.objectContaining({ email: 'b@example.com' }) }),
    ]);
  });

  it.each([
    ['cancelled', { cancelled: true, status: 'Not Attending' }],
    ['refunded', { refunded: true }],
    ['status "Not Attending" only', { status: 'Not Attending' }],
    ['status "Deleted"', { status: 'Deleted' }],
  ])('when attendee.updated fetched an attendee %s, then cancel at its change time', (_what, overrides) => {
    const facts = eventbriteFacts(notice('attendee.updated'), details([snapshot({ ...overrides, changed: '2026-10-02T09:00:00Z' })]));
    expect(facts).toEqual([
      expect.objectContaining({
        kind: 'cancelled',
        occurredAt: Date.parse('2026-10-02T09:00:00Z'),
        stateAt: Date.parse('2026-10-02T09:00:00Z'),
      }),
    ]);
  });

  it('when order.refunded fetched the order, then cancel for each attendee the refund covers', () => {
    const facts = eventbriteFacts(
      notice('order.refunded', '/orders/9290819589/'),
      details([snapshot({ refunded: true }), snapshot({ id: '2', refunded: true })], { resource: 'order', orderStatus: 'refunded' }),
    );
    expect(facts.map((f) => f.kind)).toEqual(['cancelled', 'cancelled']);
  });

  it('when the order is refunded but its attendees do not say so yet, then the order status decides: cancel', () => {
    const facts = eventbriteFacts(
      notice('order.refunded', '/orders/9290819589/'),
      details([snapshot()], { resource: 'order', orderStatus: 'refunded' }),
    );
    expect(facts.map((f) => f.kind)).toEqual(['cancelled']);
  });

  it('when order.placed fetched an attendee already cancelled, then cancel, not register (the object decides, not the action)', () => {
    expect(
      eventbriteFacts(
        notice('order.placed', '/orders/1/'),
        details([snapshot({ cancelled: true })], { resource: 'order', orderStatus: 'placed' }),
      )[0]?.kind,
    ).toBe('cancelled');
  });

  it('when the same attendee is read as registered again after a change, then the purchase time is told and the change orders it', () => {
    const first = eventbriteFacts(notice('attendee.updated'), details([snapshot()]));
    const later = eventbriteFacts(notice('attendee.updated'), details([snapshot({ changed: '2026-10-03T00:00:00Z' })]));
    expect(later[0]).toMatchObject({
      kind: 'registered',
      occurredAt: Date.parse('2026-10-01T12:46:30Z'),
      stateAt: Date.parse('2026-10-03T00:00:00Z'),
    });
    expect(later[0]).not.toHaveProperty('onceKey');
    expect(first[0]).toMatchObject({ occurredAt: Date.parse('2026-10-01T12:46:30Z'), stateAt: Date.parse('2026-10-01T12:46:32Z') });
  });

  it('when an attendee was overtaken by a later fetch (stale), then it yields nothing', () => {
    expect(eventbriteFacts(notice('attendee.updated'), details([snapshot()], { stale: ['15352852869'] }))).toEqual([]);
  });

  it('when a check-out arrives, then it is only noted; when the action is not mapped, then nothing', () => {
    expect(eventbriteFacts(notice('barcode.un_checked_in'), undefined)).toEqual([
      { kind: 'noted', reason: 'barcode.un_checked_in: HubSpot has no leave for a check-in' },
    ]);
    expect(eventbriteFacts(notice('event.updated'), details([snapshot()]))).toEqual([]);
  });
});

describe('Eventbrite facts: check-ins', () => {
  const checkedIn = () =>
    snapshot({
      checked_in: true,
      status: 'Checked In',
      changed: '2026-11-20T15:07:10Z',
      barcodes: [{ status: 'used', barcode: '1', created: '2026-10-01T12:46:35Z', changed: '2026-11-20T15:05:00Z', checkin_type: 0 }],
    });

  it('when barcode.checked_in fetched a checked-in attendee and the event, then attend from the scan to the event end', () => {
    const facts = eventbriteFacts(
      notice('barcode.checked_in'),
      details([checkedIn()], { events: { [EVENT]: { start: '2026-11-20T15:00:00Z', end: '2026-11-20T17:00:00Z' } } }),
    );
    expect(facts).toEqual([
      {
        kind: 'event-scheduled',
        sourceEventId: EVENT,
        startsAt: Date.parse('2026-11-20T15:00:00Z'),
        endsAt: Date.parse('2026-11-20T17:00:00Z'),
      },
      {
        kind: 'attended',
        sourceEventId: EVENT,
        occurredAt: Date.parse('2026-11-20T15:05:00Z'),
        joinedAt: Date.parse('2026-11-20T15:05:00Z'),
        leftAt: Date.parse('2026-11-20T17:00:00Z'),
        contact: expect.objectContaining({ email: 'Tunde.Akeju@Example.com' }),
        onceKey: `attendee:15352852869:attended:${Date.parse('2026-11-20T15:05:00Z')}`,
      },
      // An event with check-ins is completed at its scheduled end (createEvents only).
      { kind: 'event-details', sourceEventId: EVENT, details: {}, completeAtEnd: true },
    ]);
  });

  it('when attendee.checked_in (the documented name) arrives for the same scan, then the same fact and once-key', () => {
    const a = eventbriteFacts(notice('barcode.checked_in'), details([checkedIn()]));
    const b = eventbriteFacts(notice('attendee.checked_in'), details([checkedIn()]));
    expect(b).toEqual(a);
  });

  it('when the event could not be read, then attend without leftAt (the mapping or the default length decides)', () => {
    const [fact] = eventbriteFacts(notice('barcode.checked_in'), details([checkedIn()]));
    expect(fact).toMatchObject({ kind: 'attended', leftAt: undefined });
  });

  it('when the attendee is no longer checked in by the time it is fetched, then nothing', () => {
    expect(eventbriteFacts(notice('barcode.checked_in'), details([snapshot()]))).toEqual([]);
  });

  it('when the checked-in attendee was refunded since, then cancel', () => {
    expect(eventbriteFacts(notice('barcode.checked_in'), details([snapshot({ checked_in: true, refunded: true })]))[0]?.kind).toBe(
      'cancelled',
    );
  });

  it('when checked in without a used barcode, then the attendee change time is the check-in time', () => {
    expect(checkedInAt(snapshot({ checked_in: true, changed: '2026-11-20T15:30:00Z' }))).toBe(Date.parse('2026-11-20T15:30:00Z'));
  });

  it('when checked_in is false but a barcode still says used, then not checked in (the flag decides)', () => {
    expect(checkedInAt(snapshot({ checked_in: false, barcodes: [{ status: 'used', changed: '2026-11-20T15:30:00Z' }] }))).toBeUndefined();
  });
});

describe('Eventbrite contact properties', () => {
  it('when the profile has names, company, job title, phones and addresses, then they are read from it', () => {
    const contact = attendeeContact(
      snapshot(
        {},
        {
          company: 'Acme',
          job_title: 'CTO',
          cell_phone: '+1 555 0100',
          work_phone: '+1 555 0199',
          addresses: { bill: { city: 'Bayside', region: 'NY', country: 'US' }, ship: { city: 'Elsewhere', country: 'CA' }, work: {} },
        },
      ),
    );
    expect(contact).toEqual({
      email: 'Tunde.Akeju@Example.com',
      firstName: 'Tunde',
      lastName: 'Akeju',
      fullName: 'Tunde Akeju',
      company: 'Acme',
      jobTitle: 'CTO',
      phone: '+1 555 0100',
      city: 'Bayside',
      country: 'US',
    });
  });

  it('when the home address is known, then it wins; city and country always come from one address', () => {
    const contact = attendeeContact(snapshot({}, { addresses: { home: { country: 'FR' }, bill: { city: 'Bayside', country: 'US' } } }));
    expect([contact.city, contact.country]).toEqual([undefined, 'FR']);
  });

  it('when there is only a work phone and no addresses, then phone is the work phone and no city/country', () => {
    const contact = attendeeContact(snapshot({}, { work_phone: '020 7946 0000', addresses: null }));
    expect(contact).toMatchObject({ phone: '020 7946 0000', city: undefined, country: undefined });
  });

  it('when isCancelled is asked about an order that is only placed, then false', () => {
    expect(isCancelled(snapshot(), 'placed')).toBe(false);
  });
});
