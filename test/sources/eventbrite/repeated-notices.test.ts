import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventMappings } from '../../../src/domain/event-mappings.js';
import type { SubscriberState } from '../../../src/domain/facts.js';
import { applyFact } from '../../../src/domain/interpret.js';
import type { ProcessingRound } from '../../../src/domain/processing-round.js';
import { WorkingSet } from '../../../src/domain/working-set.js';
import { attendeeSnapshot } from '../../../src/sources/eventbrite/fetch.js';
import { eventbriteFacts } from '../../../src/sources/eventbrite/map.js';
import { FetchedAttendee, type EventbriteDetails, type EventbriteEnvelope } from '../../../src/sources/eventbrite/payloads.js';
import { checker } from '../../../src/sources/check.js';
import { eventbriteNotice } from '../../simulators/eventbrite/notices.js';

/**
 * Issue 13, item 5: three repeated order.placed notices and a check-in, the orders fetched late
 * (after the check-in moved the attendee's `changed`), gave the checked-in person two registers.
 */

// test/fixtures/eventbrite/order.placed.json: a real captured delivery (GitHub guscavalcante-dev/rio2c-private-sdlc,
// commit 496285f1, see order.placed.source.txt). Eventbrite sends the same bytes for every notice about the order.
const ORDER_PLACED = JSON.parse(
  readFileSync(new URL('../../fixtures/eventbrite/order.placed.json', import.meta.url), 'utf8'),
) as EventbriteEnvelope;
const EVENT = '71059816825';

/** The order's attendee as Eventbrite's API answers it at one moment (field names from its Attendee object). */
function attendee(state: { changed: string; checkedInAt?: string; cancelled?: boolean }) {
  const raw = {
    id: '1346364453',
    changed: state.changed,
    created: '2019-08-30T15:29:40Z',
    profile: { first_name: 'Ana', last_name: 'Souza', email: 'ana.souza@example.com', name: 'Ana Souza', addresses: {} },
    barcodes: [
      {
        status: state.checkedInAt ? 'used' : 'unused',
        barcode: '1034608029134636445300',
        created: '2019-08-30T15:29:45Z',
        changed: state.checkedInAt ?? '2019-08-30T15:29:45Z',
        checkin_type: 0,
      },
    ],
    answers: [],
    checked_in: state.checkedInAt !== undefined,
    cancelled: state.cancelled ?? false,
    refunded: false,
    status: state.cancelled ? 'Not Attending' : state.checkedInAt ? 'Checked In' : 'Attending',
    event_id: EVENT,
    order_id: '1034608029',
  };
  return attendeeSnapshot(checker(FetchedAttendee).assert(raw, 'attendee'));
}

const orderDetails = (a: ReturnType<typeof attendee>): EventbriteDetails => ({ resource: 'order', orderStatus: 'placed', attendees: [a] });
const checkIn = eventbriteNotice('barcode.checked_in', `https://www.eventbriteapi.com/v3/events/${EVENT}/attendees/1346364453/`);

/** What processing sends, in order: the facts applied by the attendance domain (interpret.ts) over one working set. */
async function applied(notices: Array<[EventbriteEnvelope, EventbriteDetails]>): Promise<SubscriberState[]> {
  // Nothing stored before: every read falls through to an empty store.
  const empty: ProcessingRound = {
    unprocessedWebhooks: async () => [],
    findContact: async () => undefined,
    findSession: async () => undefined,
    findSourceEvent: async () => undefined,
    openSessionsJoinedBefore: async () => [],
    openSessionsOfEvent: async () => [],
    hasOnceKey: async () => false,
    findRegistrations: async () => [],
    commitEffects: async () => undefined,
  };
  const ctx = { source: { id: 'eventbrite' }, mappings: new EventMappings([]), work: new WorkingSet(empty) };
  for (const [i, [notice, details]] of notices.entries()) {
    const row = { id: i + 1, sourceId: 'eventbrite', receivedAt: Date.parse('2019-10-01T00:00:00Z'), body: '{}' };
    const outcome = { records: 0, guests: 0, invalidEmails: 0, repeats: 0 };
    for (const fact of eventbriteFacts(notice, details)) await applyFact(ctx, row, fact, outcome);
  }
  return ctx.work.records.map((r) => r.state);
}

describe('Eventbrite: one register per attendee', () => {
  const placed = attendee({ changed: '2019-08-30T15:29:50Z' });
  const checkedIn = attendee({ changed: '2019-09-20T09:02:00Z', checkedInAt: '2019-09-20T09:01:00Z' });

  it('when order.placed comes three times and the last two are fetched after the check-in, then one register and one attend', async () => {
    expect(
      await applied([
        [ORDER_PLACED, orderDetails(placed)],
        [checkIn, { resource: 'attendee', attendees: [checkedIn] }],
        [ORDER_PLACED, orderDetails(checkedIn)],
        [ORDER_PLACED, orderDetails(checkedIn)],
      ]),
    ).toEqual(['register', 'attend']);
  });

  it('when every order.placed is fetched only after the check-in, then still one register (and the attend)', async () => {
    expect(
      await applied([
        [checkIn, { resource: 'attendee', attendees: [checkedIn] }],
        [ORDER_PLACED, orderDetails(checkedIn)],
        [ORDER_PLACED, orderDetails(checkedIn)],
        [ORDER_PLACED, orderDetails(checkedIn)],
      ]),
    ).toEqual(['attend', 'register']);
  });

  it('when the check-in notice repeats after a later edit of the attendee, then one attend (the scan time decides, not changed)', async () => {
    const edited = attendee({ changed: '2019-09-21T10:00:00Z', checkedInAt: '2019-09-20T09:01:00Z' });
    expect(
      await applied([
        [checkIn, { resource: 'attendee', attendees: [checkedIn] }],
        [checkIn, { resource: 'attendee', attendees: [edited] }],
      ]),
    ).toEqual(['attend']);
  });

  it('when the order is placed, cancelled, and its notices repeat, then one register and one cancel', async () => {
    const cancelled = attendee({ changed: '2019-09-01T08:00:00Z', cancelled: true });
    expect(
      await applied([
        [ORDER_PLACED, orderDetails(placed)],
        [ORDER_PLACED, orderDetails(cancelled)],
        [ORDER_PLACED, orderDetails(cancelled)],
      ]),
    ).toEqual(['register', 'cancel']);
  });

  it('when the attendee is registered, cancelled and registered again, then register, cancel, register, whatever the order', async () => {
    const cancelled = attendee({ changed: '2019-09-01T08:00:00Z', cancelled: true });
    const again = attendee({ changed: '2019-09-02T08:00:00Z' });
    const notices: Array<[EventbriteEnvelope, EventbriteDetails]> = [
      [ORDER_PLACED, orderDetails(placed)],
      [ORDER_PLACED, orderDetails(cancelled)],
      [ORDER_PLACED, orderDetails(again)],
    ];
    expect(await applied(notices)).toEqual(['register', 'cancel', 'register']);
    expect((await applied([...notices].reverse())).sort()).toEqual(['cancel', 'register', 'register']);
  });
});
