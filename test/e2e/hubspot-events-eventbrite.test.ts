import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import {
  ebTime,
  eventbriteNotice,
  noticeHeaders,
  startEventbriteSimulator,
  type EventbriteSimulator,
} from '../simulators/eventbrite/index.js';
import { killRelay, spawnTestRelay, type RelayProcess } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 14 for Eventbrite, with a real relay process, the Eventbrite simulator and the HubSpot
 * simulator (which answers attendance for an event never created with 404, as HubSpot does): the
 * HubSpot event made from the fetched Eventbrite event, completed after its end when it had
 * check-ins, cancelled when Eventbrite says `canceled`, and kept up to date by `event.updated`.
 */

const WEBHOOK_TOKEN = 'eb-webhook-token-for-hubspot-events';
const API_TOKEN = 'eb-api-token-for-hubspot-events';
const EVENT = '717926867587';
const KEY = `external:eventbrite:${EVENT}`;
const HOUR = 3_600_000;

let hubspot: HubspotSimulator;
let eventbrite: EventbriteSimulator;
let relay: RelayProcess | undefined;
let temp: ReturnType<typeof tempDir>;

async function start(): Promise<void> {
  relay = await spawnTestRelay(temp.dir, hubspot.url, {
    hubspot: { batchWaitMs: 50, eventUpdateIntervalSeconds: 1 },
    sources: [
      { id: 'eventbrite', type: 'eventbrite', webhookToken: WEBHOOK_TOKEN, apiToken: API_TOKEN, apiBaseUrl: eventbrite.apiBaseUrl },
    ],
    events: [{ source: 'eventbrite', sourceEventId: '*', hubspot: { createEvents: { eventOrganizer: 'Acme Events' } } }],
  });
}

async function deliver(action: string, apiUrl: string): Promise<void> {
  const body = JSON.stringify(eventbriteNotice(action, apiUrl));
  const answer = await request(`${relay?.url}/webhooks/eventbrite?token=${WEBHOOK_TOKEN}`, {
    method: 'POST',
    headers: noticeHeaders(action),
    body,
  });
  await answer.body.dump();
  expect(answer.statusCode).toBe(200);
}

/** What reached the HubSpot simulator, as `<action> <status> <event>`. */
const calls = () => hubspot.requests().map((r) => `${r.state} ${r.status} ${r.eventKey}`);
const upserts = () => hubspot.requests().filter((r) => r.state === 'upsert');

/** An Eventbrite event at whole seconds, `startsIn`/`endsIn` from now; and one order of Ada, checked in. */
function eventWithCheckIn(startsIn: number, endsIn: number, checkedInAt: number) {
  const now = Date.now();
  const event = eventbrite.addEvent({
    id: EVENT,
    name: 'Relay Summit',
    description: 'Talks about attendance.',
    start: ebTime(now + startsIn),
    end: ebTime(now + endsIn),
  });
  const { order, attendees } = eventbrite.addOrder({
    eventId: EVENT,
    at: ebTime(now - 5 * HOUR),
    attendees: [{ email: 'ada@example.com' }],
  });
  const attendee = attendees[0]?.id ?? '';
  eventbrite.checkIn(attendee, ebTime(now + checkedInAt));
  return { event, order, attendee };
}

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator();
  eventbrite = await startEventbriteSimulator({ tokens: [API_TOKEN] });
  await start();
});

afterEach(async () => {
  killRelay(relay);
  relay = undefined;
  await hubspot.close();
  await eventbrite.close();
  temp.remove();
});

describe('HubSpot events created from Eventbrite events (createEvents)', () => {
  it('creates an event it never saw from the fetched event (one upsert), then registers and attends to it', async () => {
    const { event, order, attendee } = eventWithCheckIn(-HOUR, HOUR, -HOUR / 2);
    await deliver('order.placed', eventbrite.orderUrl(order.id));
    await deliver('barcode.checked_in', eventbrite.attendeeUrl(attendee));
    await waitFor(() => hubspot.attendance().length === 2, 'the register and the attend at HubSpot');

    const sent = calls();
    expect(sent[0]).toBe('upsert 200 batch');
    expect(sent.slice(1).sort()).toEqual([`attend 200 ${KEY}`, `register 200 ${KEY}`]);
    expect(upserts()[0]?.body).toEqual({
      inputs: [
        {
          externalAccountId: 'eventbrite',
          externalEventId: EVENT,
          eventName: 'Relay Summit',
          eventOrganizer: 'Acme Events',
          startDateTime: new Date(event.start.utc).toISOString(),
          endDateTime: new Date(event.end.utc).toISOString(),
          eventUrl: event.url,
          eventDescription: 'Talks about attendance.',
          customProperties: [],
        },
      ],
    });
    // The end is ahead: nothing completes it yet.
    expect(hubspot.events()).toEqual([expect.objectContaining({ externalEventId: EVENT, eventName: 'Relay Summit' })]);
    expect(hubspot.events()[0]?.state).not.toBe('completed');
  });

  it('completes an event whose end has passed and that had check-ins, with its scheduled times, after the attend', async () => {
    const { event, order, attendee } = eventWithCheckIn(-3 * HOUR, -HOUR, -2 * HOUR);
    await deliver('order.placed', eventbrite.orderUrl(order.id));
    await deliver('barcode.checked_in', eventbrite.attendeeUrl(attendee));
    await waitFor(() => hubspot.events().find((e) => e.state === 'completed'), 'the event completed at HubSpot');

    const sent = calls();
    expect(sent.at(-1)).toBe(`complete 200 ${KEY}`);
    expect(sent.indexOf(`attend 200 ${KEY}`)).toBeLessThan(sent.length - 1);
    expect(hubspot.requests().at(-1)?.body).toEqual({
      startDateTime: new Date(event.start.utc).toISOString(),
      endDateTime: new Date(event.end.utc).toISOString(),
    });
  });

  it('cancels the event when Eventbrite says canceled (event.updated), and upserts again only when event.updated brings a change', async () => {
    const now = Date.now();
    eventbrite.addEvent({ id: EVENT, name: 'Relay Summit', start: ebTime(now + 24 * HOUR), end: ebTime(now + 26 * HOUR) });
    const { order } = eventbrite.addOrder({ eventId: EVENT, attendees: [{ email: 'ada@example.com' }] });
    await deliver('order.placed', eventbrite.orderUrl(order.id));
    await waitFor(() => hubspot.attendance().length === 1, 'the registration at HubSpot');

    // The same event again (fetched fresh, past the cache): nothing changed, nothing sent.
    const eventGets = () => eventbrite.calls().filter((c) => c.path === `/v3/events/${EVENT}/`).length;
    const before = eventGets();
    await deliver('event.updated', eventbrite.eventUrl(EVENT));
    await waitFor(() => eventGets() === before + 1, 'the unchanged event fetched');
    eventbrite.updateEvent(EVENT, { name: 'Relay Summit 2026' });
    await deliver('event.updated', eventbrite.eventUrl(EVENT));
    await waitFor(() => hubspot.events().find((e) => e.eventName === 'Relay Summit 2026'), 'the new name at HubSpot');
    expect(upserts().map((u) => (u.body as { inputs: Array<{ eventName: string }> }).inputs[0]?.eventName)).toEqual([
      'Relay Summit',
      'Relay Summit 2026',
    ]);

    eventbrite.updateEvent(EVENT, { status: 'canceled' });
    await deliver('event.updated', eventbrite.eventUrl(EVENT));
    await waitFor(() => hubspot.events().find((e) => e.state === 'cancelled'), 'the event cancelled at HubSpot');
    expect(calls().at(-1)).toBe(`cancel 200 ${KEY}`);
  });
});
