import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { eventbriteNotice, noticeHeaders, startEventbriteSimulator, type EventbriteSimulator } from '../simulators/eventbrite/index.js';
import { queryDb } from '../support/db.js';
import { startRelay, type TestRelay } from '../support/relay.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 13, item 5, end to end: Eventbrite repeats whole states (every notice about an order is
 * answered with the attendee as it is when fetched), and HubSpot gets one register per attendee,
 * another only after a cancel. The order.placed and attendee.updated bodies are the real captured
 * deliveries of test/fixtures/eventbrite (see its README for their source); the check-in notice is
 * built by the simulator (no captured one exists).
 */

const WEBHOOK_TOKEN = 'eb-webhook-token-once-tests-5d1e';
const API_TOKEN = 'eb-api-token-once-tests-77c2';
const EVENT = '71059816825';
const ATTENDEE = '1346364453';
const FIXTURES = resolve(import.meta.dirname, '../fixtures/eventbrite');

let hubspot: HubspotSimulator;
let eventbrite: EventbriteSimulator;
let relay: TestRelay;
let temp: ReturnType<typeof tempDir>;

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator();
  eventbrite = await startEventbriteSimulator({ tokens: [API_TOKEN] });
  eventbrite.addEvent({ id: EVENT, name: 'Rio2C', start: '2026-11-20T15:00:00Z', end: '2026-11-20T17:00:00Z' });
  eventbrite.addOrder({
    id: '1034608029',
    eventId: EVENT,
    at: '2026-10-01T12:00:00Z',
    attendees: [{ id: ATTENDEE, email: 'ana.souza@example.com', firstName: 'Ana', lastName: 'Souza' }],
  });
  relay = await startRelay({
    dir: temp.dir,
    hubspotUrl: hubspot.url,
    config: {
      sources: [
        { id: 'eventbrite', type: 'eventbrite', webhookToken: WEBHOOK_TOKEN, apiToken: API_TOKEN, apiBaseUrl: eventbrite.apiBaseUrl },
      ],
      events: [{ source: 'eventbrite', sourceEventId: EVENT, hubspot: { objectId: '777' } }],
    },
  });
});

afterEach(async () => {
  await relay.close();
  await hubspot.close();
  await eventbrite.close();
  temp.remove();
});

/** A captured body, verbatim but for the API origin (the simulator's instead of Eventbrite's). */
const captured = (name: string) =>
  readFileSync(resolve(FIXTURES, name), 'utf8').replace('https://www.eventbriteapi.com/v3', eventbrite.apiBaseUrl);

async function deliver(body: string): Promise<void> {
  const action = (JSON.parse(body) as { config: { action: string } }).config.action;
  const res = await request(`${relay.url}/webhooks/eventbrite?token=${WEBHOOK_TOKEN}`, {
    method: 'POST',
    headers: noticeHeaders(action),
    body,
  });
  expect(res.statusCode).toBe(200);
  await res.body.dump();
}

/** Every stored notice processed and every record answered by HubSpot. */
async function settled(): Promise<void> {
  await waitFor(() => {
    const open = queryDb<{ n: number }>(relay.dbFile, 'SELECT COUNT(*) AS n FROM inbox WHERE processed_at IS NULL')[0]?.n ?? 0;
    const pending = queryDb<{ n: number }>(relay.dbFile, "SELECT COUNT(*) AS n FROM records WHERE status IN ('pending', 'inflight')")[0]?.n;
    return open === 0 && pending === 0;
  }, 'every notice processed and every record delivered');
}

const sent = () => hubspot.attendance().map((r) => [r.state, r.email]);

describe('Eventbrite: one register per attendee, through the relay', () => {
  it('when order.placed comes three times, two of them fetched after the check-in, then one register and one attend', async () => {
    await deliver(captured('order.placed.json'));
    await waitFor(() => hubspot.attendance().length === 1, 'the register');
    eventbrite.checkIn(ATTENDEE, '2026-11-20T15:04:00Z');
    await deliver(JSON.stringify(eventbriteNotice('barcode.checked_in', eventbrite.attendeeUrl(ATTENDEE))));
    await deliver(captured('order.placed.json'));
    await deliver(captured('order.placed.json'));
    await waitFor(() => hubspot.attendance().length === 2, 'the attend');
    await settled();
    expect(sent()).toEqual([
      ['register', 'ana.souza@example.com'],
      ['attend', 'ana.souza@example.com'],
    ]);
  });

  it('when the attendee is registered, cancelled and registered again, then register, cancel, register; the repeats send nothing', async () => {
    await deliver(captured('order.placed.json'));
    await waitFor(() => hubspot.attendance().length === 1, 'the register');
    eventbrite.cancelAttendee(ATTENDEE, '2026-10-02T09:00:00Z');
    await deliver(captured('attendee.updated.json'));
    await waitFor(() => hubspot.attendance().length === 2, 'the cancel');
    eventbrite.reinstateAttendee(ATTENDEE, '2026-10-03T09:00:00Z');
    await deliver(captured('attendee.updated.json'));
    await deliver(captured('order.placed.json'));
    await waitFor(() => hubspot.attendance().length === 3, 'the second register');
    await settled();
    expect(sent()).toEqual([
      ['register', 'ana.souza@example.com'],
      ['cancel', 'ana.souza@example.com'],
      ['register', 'ana.souza@example.com'],
    ]);
    // The second register is told at the reinstatement, not at the first purchase (older than the cancel).
    expect(hubspot.attendance()[2]?.interactionDateTime).toBe(Date.parse('2026-10-03T09:00:00Z'));
  });
});
