import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import {
  eventbriteNotice,
  noticeHeaders,
  startEventbriteSimulator,
  testPing,
  type EventbriteSimulator,
} from '../simulators/eventbrite/index.js';
import { queryDb } from '../support/db.js';
import { spawnRelay, writeConfig } from '../support/process.js';
import { startRelay, type TestRelay } from '../support/relay.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';

/**
 * Eventbrite end to end: notice → relay (token, SSRF guard, durable store, 200) → background fetch
 * from the Eventbrite simulator → facts → HubSpot simulator. Nothing is mocked: real ports, the
 * store worker, the details fetcher with its retries.
 */

const WEBHOOK_TOKEN = 'eb-webhook-token-never-log-me-7f3a9c';
const API_TOKEN = 'eb-api-token-never-log-me-2b8d41';
const EVENT = '717926867587';
const HUBSPOT_EVENT = 'object:5123456';
const EVENT_END = '2026-11-20T17:00:00Z';
const FIXTURES = resolve(import.meta.dirname, '../fixtures/eventbrite');

let hubspot: HubspotSimulator;
let eventbrite: EventbriteSimulator;
let relay: TestRelay;
let temp: ReturnType<typeof tempDir>;

async function start(source: Record<string, unknown> = {}, events: unknown[] = []): Promise<void> {
  relay = await startRelay({
    dir: temp.dir,
    hubspotUrl: hubspot.url,
    config: {
      sources: [
        {
          id: 'eventbrite',
          type: 'eventbrite',
          webhookToken: WEBHOOK_TOKEN,
          apiToken: API_TOKEN,
          apiBaseUrl: eventbrite.apiBaseUrl,
          requestTimeoutMs: 1000,
          ...source,
        },
      ],
      events: [{ source: 'eventbrite', sourceEventId: EVENT, hubspot: { objectId: '5123456' } }, ...events],
    },
  });
}

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
  eventbrite = await startEventbriteSimulator({ tokens: [API_TOKEN] });
  eventbrite.addEvent({ id: EVENT, name: 'Relay Summit', start: '2026-11-20T15:00:00Z', end: EVENT_END });
  await start();
});

afterEach(async () => {
  await relay.close();
  await hubspot.close();
  await eventbrite.close();
  temp.remove();
});

/** Posts a notice the way Eventbrite does (its headers, the token in the query string). */
async function deliver(body: unknown, options: { token?: string | null; path?: string } = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  let action = 'unknown';
  try {
    action = (JSON.parse(text) as { config?: { action?: string } }).config?.action ?? action;
  } catch {
    // not JSON: sent as is
  }
  const token = options.token === undefined ? WEBHOOK_TOKEN : options.token;
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  const response = await request(`${relay.url}${options.path ?? '/webhooks/eventbrite'}${query}`, {
    method: 'POST',
    headers: noticeHeaders(action),
    body: text,
  });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

/** A notice whose delivery URL carries the token, as Eventbrite echoes it in config.endpoint_url. */
function notice(action: string, apiUrl: string) {
  return eventbriteNotice(action, apiUrl, { endpointUrl: `${relay.url}/webhooks/eventbrite?token=${WEBHOOK_TOKEN}` });
}

interface InboxRow {
  id: number;
  processed_at: number | null;
  details_status: string | null;
  details_attempts: number;
  details_error: string | null;
  outcome: string | null;
  parked_reason: string | null;
}
const inbox = () =>
  queryDb<InboxRow>(
    relay.dbFile,
    'SELECT id, processed_at, details_status, details_attempts, details_error, outcome, parked_reason FROM inbox ORDER BY id',
  );

/** Every stored notice processed (or dead) and every record answered by HubSpot. */
async function settled(): Promise<void> {
  await waitFor(
    () => {
      const open = inbox().filter((r) => r.processed_at === null && r.details_status !== 'dead' && r.parked_reason === null);
      const pending =
        queryDb<{ n: number }>(relay.dbFile, "SELECT COUNT(*) AS n FROM records WHERE status IN ('pending', 'inflight')")[0]?.n ?? 0;
      return open.length === 0 && pending === 0;
    },
    'every notice processed and every record delivered',
    20_000,
  );
}

const sent = () => hubspot.attendance().map((r) => [r.eventKey, r.state, r.email]);

function placeOrder(
  attendees: Array<{ email: string; firstName?: string; lastName?: string; company?: string; jobTitle?: string }>,
  at = '2026-10-01T12:00:00Z',
) {
  return eventbrite.addOrder({ eventId: EVENT, at, attendees });
}

describe('Eventbrite → HubSpot', () => {
  it('when the real captured notices of one order arrive (order.placed, order.updated, attendee.updated), then each attendee is registered once with its profile', async () => {
    await relay.close();
    const capturedEvent = '71059816825';
    eventbrite.addEvent({ id: capturedEvent, start: '2026-11-20T15:00:00Z', end: EVENT_END });
    await start({}, [{ source: 'eventbrite', sourceEventId: capturedEvent, hubspot: { objectId: '777' } }]);
    eventbrite.addOrder({
      id: '1034608029',
      eventId: capturedEvent,
      at: '2019-08-30T15:29:49Z',
      attendees: [
        {
          id: '1346364453',
          email: 'Ana.Souza@Example.com',
          firstName: 'Ana',
          lastName: 'Souza',
          company: 'Rio2C',
          jobTitle: 'Producer',
          addresses: { bill: { city: 'Rio de Janeiro', country: 'BR' } },
        },
        { id: '1346364454', email: 'bruno@example.com', firstName: 'Bruno', lastName: 'Lima' },
      ],
    });
    // The captured bodies, verbatim but for the API origin (the simulator's instead of Eventbrite's).
    const captured = (name: string) =>
      readFileSync(resolve(FIXTURES, name), 'utf8').replace('https://www.eventbriteapi.com/v3', eventbrite.apiBaseUrl);
    expect((await deliver(captured('order.updated.json'))).body).toEqual({ received: true, ignored: true });
    const placed = await deliver(captured('order.placed.json'));
    expect(placed).toMatchObject({ status: 200, body: { received: true, duplicate: false } });
    await deliver(captured('attendee.updated.json'));
    await deliver(captured('order.placed.json')); // Eventbrite repeats itself

    await waitFor(() => hubspot.attendance().length >= 2, 'both registrations at HubSpot');
    await settled();
    expect(sent()).toEqual([
      ['object:777', 'register', 'ana.souza@example.com'],
      ['object:777', 'register', 'bruno@example.com'],
    ]);
    const [ana] = hubspot.attendance();
    expect(ana?.contactProperties).toEqual({
      firstname: 'Ana',
      lastname: 'Souza',
      company: 'Rio2C',
      jobtitle: 'Producer',
      city: 'Rio de Janeiro',
      country: 'BR',
    });
    expect(ana?.interactionDateTime).toBe(Date.parse('2019-08-30T15:29:49Z'));
    // Three notices were fetched; the repeated attendee states were dropped, not sent.
    expect(inbox()).toHaveLength(3);
    expect(JSON.parse(inbox()[2]?.outcome ?? '{}')).toMatchObject({ records: 0, repeats: 2 });
  });

  it('when attendee.updated follows a cancellation, then the registered attendee is cancelled (the same body as before is not a duplicate)', async () => {
    const { order, attendees } = placeOrder([{ email: 'grace@example.com', firstName: 'Grace' }]);
    const grace = attendees[0]?.id ?? '';
    await deliver(notice('order.placed', eventbrite.orderUrl(order.id)));
    await deliver(notice('attendee.updated', eventbrite.attendeeUrl(grace)));
    await waitFor(() => hubspot.attendance().length === 1, 'the registration');
    await settled();

    eventbrite.cancelAttendee(grace);
    const again = await deliver(notice('attendee.updated', eventbrite.attendeeUrl(grace)));
    expect(again.body.duplicate).toBe(false);
    await waitFor(() => hubspot.attendance().length === 2, 'the cancellation');
    await settled();
    expect(sent()).toEqual([
      [HUBSPOT_EVENT, 'register', 'grace@example.com'],
      [HUBSPOT_EVENT, 'cancel', 'grace@example.com'],
    ]);
    expect(hubspot.attendance()[1]?.interactionDateTime).toBe(Date.parse(eventbrite.attendee(grace).changed));
  });

  it('when order.refunded arrives, then every attendee of the order is cancelled', async () => {
    const { order } = placeOrder([{ email: 'a@example.com' }, { email: 'b@example.com' }]);
    await deliver(notice('order.placed', eventbrite.orderUrl(order.id)));
    await waitFor(() => hubspot.attendance().length === 2, 'two registrations');
    eventbrite.refundOrder(order.id);
    await deliver(notice('order.refunded', eventbrite.orderUrl(order.id)));
    await waitFor(() => hubspot.attendance().length === 4, 'two cancellations');
    await settled();
    expect(sent().slice(2)).toEqual([
      [HUBSPOT_EVENT, 'cancel', 'a@example.com'],
      [HUBSPOT_EVENT, 'cancel', 'b@example.com'],
    ]);
  });

  it('when attendees are checked in (barcode.checked_in and attendee.checked_in), then attend from the scan to the event end; the event is fetched once; a repeated scan notice sends nothing', async () => {
    const { order, attendees } = placeOrder([{ email: 'ada@example.com' }, { email: 'alan@example.com' }]);
    const [ada, alan] = attendees.map((a) => a.id);
    await deliver(notice('order.placed', eventbrite.orderUrl(order.id)));
    eventbrite.checkIn(ada ?? '', '2026-11-20T15:04:00Z');
    eventbrite.checkIn(alan ?? '', '2026-11-20T15:20:00Z');
    await deliver(notice('barcode.checked_in', eventbrite.attendeeUrl(ada ?? '')));
    await deliver(notice('attendee.checked_in', eventbrite.attendeeUrl(alan ?? '')));
    await deliver(notice('attendee.checked_in', eventbrite.attendeeUrl(ada ?? ''))); // both names for one scan

    await waitFor(() => hubspot.attendance().filter((r) => r.state === 'attend').length === 2, 'two attendances');
    await settled();
    const attends = hubspot.attendance().filter((r) => r.state === 'attend');
    expect(attends.map((r) => [r.email, r.properties, r.interactionDateTime])).toEqual([
      ['ada@example.com', { joinedAt: '2026-11-20T15:04:00.000Z', leftAt: '2026-11-20T17:00:00.000Z' }, Date.parse('2026-11-20T15:04:00Z')],
      [
        'alan@example.com',
        { joinedAt: '2026-11-20T15:20:00.000Z', leftAt: '2026-11-20T17:00:00.000Z' },
        Date.parse('2026-11-20T15:20:00Z'),
      ],
    ]);
    expect(eventbrite.calls().filter((c) => c.path === `/v3/events/${EVENT}/`)).toHaveLength(1);
  });

  it('when a check-out arrives (attendee.checked_out or barcode.un_checked_in), then nothing is fetched and nothing reaches HubSpot; the notice is kept as a trace', async () => {
    const { attendees } = placeOrder([{ email: 'ada@example.com' }]);
    const ada = attendees[0]?.id ?? '';
    for (const action of ['attendee.checked_out', 'barcode.un_checked_in']) {
      expect(await deliver(notice(action, eventbrite.attendeeUrl(ada)))).toMatchObject({ status: 200, body: { received: true } });
    }
    await settled();
    expect(inbox().map((r) => [r.details_status, r.outcome === null])).toEqual([
      [null, false],
      [null, false],
    ]);
    expect(eventbrite.calls()).toEqual([]);
    expect(hubspot.requests()).toEqual([]);
    const noted = relay.logs.filter((l) => String(l.msg).startsWith('noted, nothing sent to HubSpot'));
    expect(noted.map((l) => l.msg)).toEqual([
      'noted, nothing sent to HubSpot: attendee.checked_out: HubSpot has no leave for a check-in',
      'noted, nothing sent to HubSpot: barcode.un_checked_in: HubSpot has no leave for a check-in',
    ]);
  });

  it('when the dashboard sends its test ping, then 200, nothing stored, nothing fetched', async () => {
    const res = await deliver(testPing({ endpointUrl: `${relay.url}/webhooks/eventbrite?token=${WEBHOOK_TOKEN}` }));
    expect(res).toEqual({ status: 200, body: { received: true, ignored: true } });
    expect(inbox()).toEqual([]);
    expect(eventbrite.calls()).toEqual([]);
  });
});

describe('Eventbrite verification and the SSRF guard', () => {
  let bait: Server;
  let baitHits: string[];

  beforeEach(async () => {
    baitHits = [];
    bait = createServer((req, res) => {
      baitHits.push(req.url ?? '');
      res.end('{}');
    });
    await new Promise<void>((done) => bait.listen(0, '127.0.0.1', done));
  });

  afterEach(async () => {
    await new Promise<void>((done) => bait.close(() => done()));
  });

  it('when api_url points anywhere but under apiBaseUrl, then it is parked (200) with "api_url is not under apiBaseUrl", nothing fetched', async () => {
    const baitUrl = `http://127.0.0.1:${(bait.address() as AddressInfo).port}`;
    const { order } = placeOrder([{ email: 'a@example.com' }]);
    const outside = [
      `${baitUrl}/v3/orders/${order.id}/`,
      `${eventbrite.url}/v2/orders/${order.id}/`,
      `${eventbrite.url}/v3/../admin/`,
      `${eventbrite.url}/v3%2f..%2fadmin/`,
      `${eventbrite.apiBaseUrl.replace('127.0.0.1', 'localhost')}/orders/${order.id}/`,
      `http://user:pw@${eventbrite.apiBaseUrl.slice('http://'.length)}/orders/${order.id}/`,
    ];
    for (const apiUrl of outside) {
      const res = await deliver(notice('order.placed', apiUrl));
      expect(res.status, apiUrl).toBe(200);
      expect(res.body, apiUrl).toMatchObject({ received: true, parked: true });
    }
    const parked = queryDb<{ parked_reason: string }>(relay.dbFile, 'SELECT parked_reason FROM inbox WHERE parked_reason IS NOT NULL');
    expect(parked).toHaveLength(outside.length);
    for (const row of parked) expect(row.parked_reason).toContain('api_url is not under apiBaseUrl');
    // A valid notice after them: once it is fetched and delivered, whatever a refused one had set off would show.
    expect((await deliver(notice('order.placed', eventbrite.orderUrl(order.id)))).status).toBe(200);
    await waitFor(() => hubspot.attendance().length === 1, 'the valid notice delivered');
    await settled();
    expect(inbox()).toHaveLength(1 + outside.length);
    expect(baitHits).toEqual([]);
    // The order, then its event (an order brings the event's name for createEvents, issue 14).
    expect(eventbrite.calls().map((c) => c.path)).toEqual([new URL(eventbrite.orderUrl(order.id)).pathname, `/v3/events/${EVENT}/`]);
  });

  it('when the token is missing or wrong, then 401 (never 410, which would unsubscribe the endpoint) and nothing unverified is stored', async () => {
    const { order } = placeOrder([{ email: 'a@example.com' }]);
    const body = notice('order.placed', eventbrite.orderUrl(order.id));
    const missing = await deliver(body, { token: null });
    const wrong = await deliver(body, { token: 'eb-webhook-token-never-log-me-7f3a9X' });
    const empty = await deliver(body, { token: '' });
    expect([missing.status, missing.body.code]).toEqual([401, 'SIGNATURE_MISSING']);
    expect([wrong.status, wrong.body.code]).toEqual([401, 'SIGNATURE_INVALID']);
    expect(empty.status).toBe(401);
    // Whatever goes wrong, the answer is never 410.
    const others = [
      await deliver('{"config": ', {}),
      await deliver({ config: {} }),
      await deliver(body, { path: '/webhooks/eventbritex' }),
    ];
    for (const res of [missing, wrong, empty, ...others]) expect(res.status).not.toBe(410);
    // Only the verified notice Eventbrite's envelope does not fit is kept, parked.
    expect(inbox().map((r) => r.parked_reason)).toEqual([expect.stringContaining('api_url')]);
    expect(eventbrite.calls()).toEqual([]);
  });

  it('when the relay works, retries and gives up on Eventbrite, then neither token ever appears in a log line', async () => {
    const { order, attendees } = placeOrder([{ email: 'a@example.com' }]);
    eventbrite.inject({ kind: 'status', status: 503 });
    await deliver(notice('order.placed', eventbrite.orderUrl(order.id)));
    await deliver(notice('attendee.updated', eventbrite.attendeeUrl(attendees[0]?.id ?? '')), { token: 'wrong-token-wrong-token' });
    await deliver(notice('order.placed', `${eventbrite.apiBaseUrl}/orders/404404/`));
    await waitFor(() => hubspot.attendance().length === 1, 'the registration after a retry');
    await waitFor(() => inbox().some((r) => r.details_status === 'dead'), 'the 404 dead-lettered');
    // And once Eventbrite refuses the API token.
    eventbrite.setTokens([]);
    await deliver(notice('attendee.updated', eventbrite.attendeeUrl(attendees[0]?.id ?? '')));
    await waitFor(() => inbox().filter((r) => r.details_status === 'dead').length === 2, 'the refused fetch dead-lettered');

    const everything = relay.logs.map((l) => JSON.stringify(l)).join('\n');
    expect(relay.logs.some((l) => l.msg === 'webhook details fetch failed; will retry')).toBe(true);
    expect(relay.logs.some((l) => String(l.msg).startsWith('webhook details could not be fetched'))).toBe(true);
    expect(everything).toContain('/webhooks/eventbrite');
    for (const secret of [WEBHOOK_TOKEN, API_TOKEN, 'token=', 'Bearer ']) expect(everything).not.toContain(secret);
    // Eventbrite echoes the endpoint URL (with ?token=) in every notice: the stored copy has it redacted.
    const stored = queryDb<{ body: string }>(relay.dbFile, 'SELECT body FROM inbox')
      .map((r) => r.body)
      .join('\n');
    expect(stored).toContain('token=[redacted]');
    expect(stored).not.toContain(WEBHOOK_TOKEN);
  });
});

describe('Eventbrite fetch trouble', () => {
  it('when Eventbrite is slow, then the webhook is answered at once (the fetch runs in the background) and delivered later', async () => {
    const { order } = placeOrder([{ email: 'slow@example.com' }]);
    eventbrite.inject({ kind: 'latency', ms: 900 });
    const started = performance.now();
    const res = await deliver(notice('order.placed', eventbrite.orderUrl(order.id)));
    expect(res.status).toBe(200);
    // A fetch inside the request would have taken at least the 900 ms Eventbrite needs.
    expect(performance.now() - started).toBeLessThan(800);
    await waitFor(() => hubspot.attendance().length === 1, 'the registration');
  });

  it('when Eventbrite is down (a 503, then a dropped connection) and recovers, then the notice is fetched again with backoff and delivered', async () => {
    const { order } = placeOrder([{ email: 'patient@example.com' }]);
    eventbrite.inject({ kind: 'status', status: 503 });
    eventbrite.inject({ kind: 'drop' });
    await deliver(notice('order.placed', eventbrite.orderUrl(order.id)));
    await waitFor(() => hubspot.attendance().length === 1, 'the registration after the outage', 20_000);
    expect(sent()).toEqual([[HUBSPOT_EVENT, 'register', 'patient@example.com']]);
    expect(inbox()[0]).toMatchObject({ details_status: 'ready', details_attempts: 2 });
    const calls = eventbrite.calls();
    // The order's 503, the dropped connection, the order, then its event.
    expect(calls.map((c) => c.status)).toEqual([503, 0, 200, 200]);
    // Each retry waited (backoff from 2 s, with jitter: at least 1 s, then at least 2 s).
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect((calls[2]?.at ?? 0) - (calls[1]?.at ?? 0)).toBeGreaterThanOrEqual(1900);
  });

  it('when an answer is slower than requestTimeoutMs, then the fetch times out and is tried again', async () => {
    const { order } = placeOrder([{ email: 'slow@example.com' }]);
    eventbrite.inject({ kind: 'latency', ms: 1500 });
    await deliver(notice('order.placed', eventbrite.orderUrl(order.id)));
    await waitFor(() => hubspot.attendance().length === 1, 'the registration after the timeout');
    expect(inbox()[0]).toMatchObject({ details_status: 'ready', details_attempts: 1 });
  });

  it("when Eventbrite answers 429 with Retry-After, then the fetch waits that long and succeeds; Eventbrite's limit is never hit again meanwhile", async () => {
    const { order, attendees } = placeOrder([{ email: 'a@example.com' }, { email: 'b@example.com' }]);
    eventbrite.inject({ kind: 'rate-limit', retryAfterSeconds: 2 });
    await deliver(notice('order.placed', eventbrite.orderUrl(order.id)));
    await waitFor(() => eventbrite.calls().length === 1, 'the 429');
    for (const a of attendees) await deliver(notice('attendee.updated', eventbrite.attendeeUrl(a.id)));
    await waitFor(() => hubspot.attendance().length === 2, 'the registrations after the pause');
    await settled();
    const calls = eventbrite.calls();
    expect(calls[0]?.status).toBe(429);
    // Nothing was called during the pause.
    for (const call of calls.slice(1)) expect(call.at - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(1900);
  });

  it('when the fetch fails for good (404), then the notice is dead-lettered in the inbox with the reason, nothing is sent, and it is not retried', async () => {
    const res = await deliver(notice('order.placed', `${eventbrite.apiBaseUrl}/orders/404404/`));
    expect(res.status).toBe(200);
    await waitFor(() => inbox()[0]?.details_status === 'dead', 'the notice dead-lettered');
    expect(inbox()[0]).toMatchObject({
      processed_at: null,
      details_attempts: 1,
      details_error: expect.stringContaining('Eventbrite GET /v3/orders/404404/: 404 NOT_FOUND'),
    });
    // A valid notice after it: once that one is fetched and delivered, a retry of the dead one would have come first.
    const { order } = placeOrder([{ email: 'after@example.com' }]);
    await deliver(notice('order.placed', eventbrite.orderUrl(order.id)));
    await waitFor(() => hubspot.attendance().length === 1, 'the later notice delivered');
    await settled();
    expect(eventbrite.calls().filter((c) => c.path.includes('404404'))).toHaveLength(1);
    expect(sent()).toEqual([[HUBSPOT_EVENT, 'register', 'after@example.com']]);
  });

  it('when the client-side budget is used up, then further notices wait (kept pending with the reason) instead of calling Eventbrite', async () => {
    await relay.close();
    await start({ requestsPerHour: 3 }); // the order and its event, then one attendee
    const { order, attendees } = placeOrder([{ email: 'a@example.com' }, { email: 'b@example.com' }, { email: 'c@example.com' }]);
    await deliver(notice('order.placed', eventbrite.orderUrl(order.id)));
    for (const a of attendees) await deliver(notice('attendee.updated', eventbrite.attendeeUrl(a.id)));
    await waitFor(
      () => inbox().filter((r) => r.details_error?.includes('call budget used up')).length === 2,
      'two notices waiting for the budget',
    );
    expect(eventbrite.calls()).toHaveLength(3);
    expect(inbox().filter((r) => r.details_status === 'pending')).toHaveLength(2);
    await waitFor(() => hubspot.attendance().length === 3, 'the order registered');
  });
});

describe('the built relay with the documented configuration', () => {
  it('when started with the README YAML (tokens from the environment), then an order reaches HubSpot and stdout never shows a token', async () => {
    const file = writeConfig(temp.dir, {
      server: { host: '127.0.0.1', port: 0 },
      store: { url: `sqlite:${temp.dir}/built.db` },
      hubspot: { baseUrl: hubspot.url, accessToken: 'sim-token', batchWaitMs: 10 },
      logging: { level: 'debug' },
      sources: [
        {
          id: 'eventbrite',
          type: 'eventbrite',
          webhookToken: '${EVENTBRITE_WEBHOOK_TOKEN}',
          apiToken: '${EVENTBRITE_API_TOKEN}',
          apiBaseUrl: eventbrite.apiBaseUrl,
        },
      ],
      events: [{ source: 'eventbrite', sourceEventId: EVENT, hubspot: { objectId: '5123456' } }],
    });
    const built = await spawnRelay(['serve', '--config', file], {
      env: { EVENTBRITE_WEBHOOK_TOKEN: WEBHOOK_TOKEN, EVENTBRITE_API_TOKEN: API_TOKEN },
    });
    try {
      const { order } = placeOrder([{ email: 'built@example.com', firstName: 'Built' }]);
      const body = JSON.stringify(
        eventbriteNotice('order.placed', eventbrite.orderUrl(order.id), {
          endpointUrl: `${built.url}/webhooks/eventbrite?token=${WEBHOOK_TOKEN}`,
        }),
      );
      const res = await request(`${built.url}/webhooks/eventbrite?token=${WEBHOOK_TOKEN}`, {
        method: 'POST',
        headers: noticeHeaders('order.placed'),
        body,
      });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
      await waitFor(() => hubspot.attendance().length === 1, 'the registration from the built relay');
      expect(sent()).toEqual([[HUBSPOT_EVENT, 'register', 'built@example.com']]);
    } finally {
      built.child.kill('SIGTERM');
      await built.exited;
    }
    const everything = [...built.logs.map((l) => JSON.stringify(l)), ...built.stderr].join('\n');
    expect(built.logs.length).toBeGreaterThan(3);
    for (const secret of [WEBHOOK_TOKEN, API_TOKEN]) expect(everything).not.toContain(secret);
  });
});
