import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { eventbriteNotice, noticeHeaders, startEventbriteSimulator, type EventbriteSimulator } from '../simulators/eventbrite/index.js';
import { queryDb } from '../support/db.js';
import { startRelay, type TestRelay } from '../support/relay.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';

/**
 * The dead-webhook admin routes, on a real relay (real port, SQLite file, details fetcher) between
 * the Eventbrite and HubSpot simulators: a notice whose details Eventbrite refused (404) is dead;
 * GET /admin/webhooks lists it and POST /admin/webhooks/replay fetches it again, so it reaches HubSpot.
 */

const ADMIN_TOKEN = 'admin-token-for-the-webhook-tests-0123';
const WEBHOOK_TOKEN = 'eb-webhook-token-for-admin-tests-5e1';
const API_TOKEN = 'eb-api-token-for-admin-tests-77c2';
const EVENT = '555000111';

let hubspot: HubspotSimulator;
let eventbrite: EventbriteSimulator;
let relay: TestRelay;
let temp: ReturnType<typeof tempDir>;

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
  eventbrite = await startEventbriteSimulator({ tokens: [API_TOKEN] });
  eventbrite.addEvent({ id: EVENT, name: 'Admin Day', start: '2026-11-20T15:00:00Z', end: '2026-11-20T17:00:00Z' });
  relay = await startRelay({
    dir: temp.dir,
    hubspotUrl: hubspot.url,
    config: {
      admin: { token: ADMIN_TOKEN },
      sources: [
        {
          id: 'eventbrite',
          type: 'eventbrite',
          webhookToken: WEBHOOK_TOKEN,
          apiToken: API_TOKEN,
          apiBaseUrl: eventbrite.apiBaseUrl,
          requestTimeoutMs: 1000,
        },
      ],
      events: [{ source: 'eventbrite', sourceEventId: EVENT, hubspot: { objectId: '4040' } }],
    },
  });
});

afterEach(async () => {
  await relay.close();
  await eventbrite.close();
  await hubspot.close();
  temp.remove();
});

async function admin(method: 'GET' | 'POST', path: string, body?: unknown, token: string | null = ADMIN_TOKEN) {
  const res = await request(relay.url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const deadIds = () =>
  queryDb<{ id: number }>(relay.dbFile, "SELECT id FROM inbox WHERE details_status = 'dead' ORDER BY id").map((r) => r.id);

/** Places an order for `email` and delivers its order.placed notice while Eventbrite answers it 404: the notice dies. */
async function deadNotice(email: string): Promise<number> {
  const before = new Set(deadIds());
  const { order } = eventbrite.addOrder({ eventId: EVENT, at: '2026-10-01T12:00:00Z', attendees: [{ email }] });
  eventbrite.inject({ kind: 'status', status: 404 });
  const notice = eventbriteNotice('order.placed', eventbrite.orderUrl(order.id), {
    endpointUrl: `${relay.url}/webhooks/eventbrite?token=${WEBHOOK_TOKEN}`,
  });
  const res = await request(`${relay.url}/webhooks/eventbrite?token=${WEBHOOK_TOKEN}`, {
    method: 'POST',
    headers: noticeHeaders('order.placed'),
    body: JSON.stringify(notice),
  });
  expect(res.statusCode).toBe(200);
  await res.body.dump();
  // This notice's row, not an earlier dead one: wait until a dead row appears that was not there before.
  return waitFor(() => deadIds().find((id) => !before.has(id)), `the notice for ${email} dead-lettered`);
}

const registered = () =>
  hubspot
    .attendance()
    .map((r) => r.email)
    .sort();

describe('dead webhooks: /admin/webhooks', () => {
  it('when a notice could not be fetched, then it is listed as dead with its attempts and the reason', async () => {
    const id = await deadNotice('listed@example.com');
    const listed = await admin('GET', '/admin/webhooks');
    expect(listed.status).toBe(200);
    expect(listed.body.webhooks).toEqual([
      { id, source: 'eventbrite', receivedAt: expect.any(String), state: 'dead', attempts: 1, error: expect.stringContaining('404') },
    ]);
    expect(await admin('GET', '/admin/webhooks?state=dead&limit=1')).toMatchObject({ status: 200, body: { webhooks: [{ id }] } });
  });

  it('when the listed webhook is replayed by id, then its details are fetched again and the attendee reaches HubSpot, and it is no longer listed', async () => {
    const id = await deadNotice('replayed@example.com');
    expect(registered()).toEqual([]);
    expect(await admin('POST', '/admin/webhooks/replay', { ids: [id] })).toEqual({ status: 200, body: { replayed: 1, stillParked: 0 } });
    await waitFor(() => registered().includes('replayed@example.com'), 'the replayed attendee registered at HubSpot');
    expect(registered()).toEqual(['replayed@example.com']);
    expect((await admin('GET', '/admin/webhooks')).body.webhooks).toEqual([]);
  });

  it('when all dead webhooks are replayed, then each reaches HubSpot; a second replay finds none', async () => {
    await deadNotice('first@example.com');
    await deadNotice('second@example.com');
    expect((await admin('GET', '/admin/webhooks')).body.webhooks).toHaveLength(2);
    expect(await admin('POST', '/admin/webhooks/replay', { ids: 'all' })).toEqual({ status: 200, body: { replayed: 2, stillParked: 0 } });
    await waitFor(() => registered().length === 2, 'both attendees registered at HubSpot');
    expect(registered()).toEqual(['first@example.com', 'second@example.com']);
    expect(await admin('POST', '/admin/webhooks/replay', { ids: 'all' })).toEqual({ status: 200, body: { replayed: 0, stillParked: 0 } });
  });

  it('when the body names no webhooks, then 400 and nothing is replayed', async () => {
    const id = await deadNotice('kept@example.com');
    for (const body of [{}, { ids: [] }, { ids: 'some' }]) expect((await admin('POST', '/admin/webhooks/replay', body)).status).toBe(400);
    expect((await admin('GET', '/admin/webhooks')).body.webhooks).toMatchObject([{ id, state: 'dead' }]);
  });

  it.each([
    ['no token', null],
    ['a wrong token', 'admin-token-for-the-webhook-tests-XXXX'],
  ])('when called with %s, then 401 ADMIN_UNAUTHORIZED, nothing is listed and nothing replayed', async (_name, token) => {
    const id = await deadNotice('guarded@example.com');
    const listed = await admin('GET', '/admin/webhooks', undefined, token);
    expect(listed).toEqual({ status: 401, body: { code: 'ADMIN_UNAUTHORIZED', message: expect.any(String) } });
    const replayed = await admin('POST', '/admin/webhooks/replay', { ids: [id] }, token);
    expect(replayed).toEqual({ status: 401, body: { code: 'ADMIN_UNAUTHORIZED', message: expect.any(String) } });
    // The state says nothing was replayed: the notice is still dead, with its one attempt.
    expect(queryDb(relay.dbFile, 'SELECT details_status, details_attempts FROM inbox WHERE id = ?', id)).toEqual([
      { details_status: 'dead', details_attempts: 1 },
    ]);
    expect(eventbrite.calls()).toHaveLength(1);
  });
});
