import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { queryDb } from '../support/db.js';
import { startRelay, type TestRelay } from '../support/relay.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { livestormPeople, lumaGuest, titoCheckin, titoRegistration, titoTicket } from '../sources/generic/payloads.js';
import { livestormHeaders, standardWebhooksHeaders, titoHeaders } from '../sources/generic/support.js';

const CHECKIN_SECRET = 'whsec_cmVsYXktdGVzdC1zaWduaW5nLXNlY3JldC0zMi1ieXRlcyE=';
const LUMA_SECRET = 'whsec_bHVtYS10ZXN0LXNpZ25pbmctc2VjcmV0LTI0Yg==';
const TITO_TOKEN = 'tito-security-token';
const LIVESTORM_SECRET = 'livestorm-secret';
const ACCOUNT = 'acct-1';

let hubspot: HubspotSimulator;
let relay: TestRelay;
let temp: ReturnType<typeof tempDir>;

const SOURCES = [
  {
    id: 'checkin-app',
    type: 'generic',
    verify: { scheme: 'standard-webhooks', secret: CHECKIN_SECRET },
    map: {
      eventType: 'type',
      states: { 'guest.registered': 'register', 'guest.checked_in': 'attend', 'guest.cancelled': 'cancel' },
      email: 'data.email',
      firstName: 'data.first_name',
      lastName: 'data.last_name',
      occurredAt: 'data.created_at',
      sourceEventId: 'data.event_id',
      joinedAt: 'data.checked_in_at',
      leftAt: 'data.checked_out_at',
      contactProperties: { company: 'data.company', phone: 'data.phone', ticket_type: 'data.ticket.type' },
    },
    defaultAttendMinutes: 45,
  },
  { id: 'tito', type: 'tito', secret: TITO_TOKEN },
  { id: 'luma', type: 'luma', secret: LUMA_SECRET },
  { id: 'livestorm', type: 'livestorm', secret: LIVESTORM_SECRET },
];
const EVENTS = [
  { source: 'checkin-app', sourceEventId: 'conf-2026', hubspot: { objectId: '5001' }, endsAt: '2026-11-20T17:00:00Z' },
  ...SOURCES.map((s) => ({ source: s.id, sourceEventId: '*', hubspot: { externalAccountId: ACCOUNT } })),
];

async function post(sourceId: string, body: unknown, headers: (text: string) => Record<string, string>) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await request(`${relay.url}/webhooks/${sourceId}`, { method: 'POST', headers: headers(text), body: text });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}
const checkin = (body: unknown, options: { id?: string; timestampSeconds?: number } = {}) =>
  post('checkin-app', body, (text) => standardWebhooksHeaders(CHECKIN_SECRET, text, options));
/** Guest ids that differ on each webhook and are the same on each run. */
let guests = 0;
const guest = (type: string, data: Record<string, unknown>) => ({
  type,
  data: {
    id: `g-${++guests}`,
    email: 'grace.hopper@example.com',
    first_name: 'Grace',
    last_name: 'Hopper',
    event_id: 'conf-2026',
    created_at: '2026-11-01T09:00:00Z',
    ...data,
  },
});

function inbox(sourceId: string): Array<{ body: string; outcome: string | null }> {
  return queryDb<{ body: string; outcome: string | null }>(
    relay.dbFile,
    'SELECT body, outcome FROM inbox WHERE source_id = ? ORDER BY id',
    sourceId,
  );
}

const rowsAt = (count: number, what: string) =>
  waitFor(() => (hubspot.attendance().length >= count ? hubspot.attendance() : undefined), what);

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
  relay = await startRelay({ dir: temp.dir, hubspotUrl: hubspot.url, config: { sources: SOURCES, events: EVENTS } });
});

afterEach(async () => {
  await relay.close();
  await hubspot.close();
  temp.remove();
});

describe('a generic source (Standard Webhooks) end to end', () => {
  it('when a guest registers, checks in (no check-out) and cancels, then HubSpot gets register, attend ending at the mapped event end, and cancel', async () => {
    expect((await checkin(guest('guest.registered', { company: 'US Navy', phone: 5551234, ticket: { type: 'Speaker' } }))).status).toBe(
      200,
    );
    await rowsAt(1, 'the registration');
    await checkin(guest('guest.checked_in', { checked_in_at: '2026-11-20T15:05:00Z' }));
    await rowsAt(2, 'the attendance');
    await checkin(guest('guest.cancelled', { created_at: '2026-11-21T09:00:00Z' }));
    const rows = await rowsAt(3, 'the cancellation');
    expect(rows.map((r) => [r.eventKey, r.state, r.email])).toEqual([
      ['object:5001', 'register', 'grace.hopper@example.com'],
      ['object:5001', 'attend', 'grace.hopper@example.com'],
      ['object:5001', 'cancel', 'grace.hopper@example.com'],
    ]);
    expect(rows[0]?.interactionDateTime).toBe(Date.parse('2026-11-01T09:00:00Z'));
    expect(rows[0]?.contactProperties).toEqual({
      firstname: 'Grace',
      lastname: 'Hopper',
      company: 'US Navy',
      phone: '5551234',
      ticket_type: 'Speaker',
    });
    // No check-out: the attendance ends at the events entry's endsAt.
    expect(rows[1]?.properties).toEqual({ joinedAt: '2026-11-20T15:05:00.000Z', leftAt: '2026-11-20T17:00:00.000Z' });
    expect(rows[1]?.interactionDateTime).toBe(Date.parse('2026-11-20T15:05:00Z'));
  });

  it('when an event has no known end and the check-in no check-out, then the attendance lasts defaultAttendMinutes; a check-out wins', async () => {
    await checkin(guest('guest.checked_in', { event_id: 'meetup-7', checked_in_at: '2026-11-20T18:00:00Z' }));
    await checkin(
      guest('guest.checked_in', {
        event_id: 'meetup-8',
        email: 'ada@example.com',
        checked_in_at: '2026-11-20T18:00:00Z',
        checked_out_at: '2026-11-20T18:20:00Z',
      }),
    );
    const rows = await rowsAt(2, 'two attendances');
    const byEmail = Object.fromEntries(rows.map((r) => [r.email, r]));
    expect(byEmail['grace.hopper@example.com']).toMatchObject({
      eventKey: `external:${ACCOUNT}:meetup-7`,
      properties: { joinedAt: '2026-11-20T18:00:00.000Z', leftAt: '2026-11-20T18:45:00.000Z' },
    });
    expect(byEmail['ada@example.com']?.properties).toEqual({ joinedAt: '2026-11-20T18:00:00.000Z', leftAt: '2026-11-20T18:20:00.000Z' });
  });

  it('when the event type is not mapped, then 200 ignored and nothing is stored', async () => {
    const res = await checkin(guest('guest.deleted', {}));
    expect(res).toEqual({ status: 200, body: { received: true, ignored: true } });
    expect(inbox('checkin-app')).toHaveLength(0);
  });

  it('when a mapped event has no valid email, then it is acknowledged, stored, counted and logged as skipped, and nothing reaches HubSpot', async () => {
    const res = await checkin(guest('guest.registered', { email: 'not-an-email' }));
    expect(res).toMatchObject({ status: 200, body: { received: true, duplicate: false } });
    await waitFor(
      () => relay.logs.find((l) => l.sourceId === 'checkin-app' && String(l.msg).includes('without a valid email')),
      'the skip logged',
    );
    await waitFor(() => inbox('checkin-app')[0]?.outcome, 'the outcome stored');
    expect(JSON.parse(inbox('checkin-app')[0]?.outcome ?? '{}')).toMatchObject({ records: 0, invalidEmails: 1 });
    expect(hubspot.requests()).toHaveLength(0);
  });

  it('when a Unicode email arrives, then HubSpot gets it NFC-normalised and lower-cased', async () => {
    await checkin(guest('guest.registered', { email: 'Zoe\u0308.Muller@Example.com' }));
    const rows = await rowsAt(1, 'the registration');
    expect(rows[0]?.email).toBe('zoë.muller@example.com');
  });

  it('when a mapped event cannot be read, then it is kept and parked (200) with a reason naming the source, the path and what was found', async () => {
    const res = await checkin(guest('guest.registered', { created_at: 'yesterday' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: true, parked: true });
    const [row] = queryDb<{ id: number; parked_reason: string; processed_at: number | null }>(
      relay.dbFile,
      "SELECT id, parked_reason, processed_at FROM inbox WHERE source_id = 'checkin-app'",
    );
    expect(row).toEqual({
      id: res.body.id,
      processed_at: null,
      parked_reason:
        'generic source "checkin-app": map.occurredAt (data.created_at) must be an ISO-8601 time or epoch seconds/milliseconds, found "yesterday"',
    });
  });

  it('when the signature is wrong, missing or too old, then 401 and nothing is stored', async () => {
    const body = JSON.stringify(guest('guest.registered', {}));
    expect(
      (await post('checkin-app', body, () => ({ ...standardWebhooksHeaders(CHECKIN_SECRET, body), 'webhook-signature': 'v1,AAAA' }))).body
        .code,
    ).toBe('SIGNATURE_INVALID');
    expect((await post('checkin-app', body, () => ({ 'content-type': 'application/json' }))).body.code).toBe('SIGNATURE_MISSING');
    expect((await checkin(body, { timestampSeconds: Math.floor(Date.now() / 1000) - 600 })).body.code).toBe('TIMESTAMP_OUT_OF_RANGE');
    expect(inbox('checkin-app')).toHaveLength(0);
  });

  it('when the same webhook-id is delivered twice, then the second is a duplicate and HubSpot gets one input', async () => {
    const body = JSON.stringify(guest('guest.registered', {}));
    const first = await checkin(body, { id: 'msg_same' });
    const second = await checkin(body, { id: 'msg_same' });
    expect(second.body).toMatchObject({ received: true, duplicate: true, id: first.body.id });
    await rowsAt(1, 'the registration');
    expect(inbox('checkin-app')).toHaveLength(1);
  });
});

describe('presets end to end', () => {
  const ADA = { email: 'Ada.Lovelace@Example.com', firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical Engines' };

  it('Luma: when a guest registers and is then checked in, then HubSpot gets register and attend for the Luma event id', async () => {
    const luma = (body: unknown) => post('luma', body, (text) => standardWebhooksHeaders(LUMA_SECRET, text));
    expect((await luma(lumaGuest('guest.registered', 'evt-Caramel1', ADA, '2026-11-01T10:00:00Z'))).status).toBe(200);
    await rowsAt(1, 'the registration');
    expect((await luma(lumaGuest('guest.updated', 'evt-Caramel1', ADA, '2026-11-01T10:00:00Z', null))).body).toEqual({
      received: true,
      ignored: true,
    });
    await luma(lumaGuest('guest.updated', 'evt-Caramel1', ADA, '2026-11-01T10:00:00Z', '2026-11-20T15:04:00Z'));
    const rows = await rowsAt(2, 'the attendance');
    expect(rows.map((r) => [r.eventKey, r.state, r.email])).toEqual([
      [`external:${ACCOUNT}:evt-Caramel1`, 'register', 'ada.lovelace@example.com'],
      [`external:${ACCOUNT}:evt-Caramel1`, 'attend', 'ada.lovelace@example.com'],
    ]);
    expect(rows[0]?.contactProperties).toEqual({ firstname: 'Ada', lastname: 'Lovelace' });
    expect(rows[1]?.properties).toEqual({ joinedAt: '2026-11-20T15:04:00.000Z', leftAt: '2026-11-20T16:04:00.000Z' });
    // The same check-in notified again (another guest.updated) is applied once.
    await luma(lumaGuest('guest.updated', 'evt-Caramel1', ADA, '2026-11-01T10:00:00Z', '2026-11-20T15:04:00Z'));
    const outcome = await waitFor(() => inbox('luma')[2]?.outcome, 'the repeat processed');
    expect(JSON.parse(outcome)).toMatchObject({ records: 0, repeats: 1 });
    expect(hubspot.attendance()).toHaveLength(2);
  });

  it('Livestorm: when someone registers and attends, then HubSpot gets register and attend (session start + time attended)', async () => {
    const livestorm = (body: unknown) => post('livestorm', body, (text) => livestormHeaders(LIVESTORM_SECRET, text));
    const registered = Date.parse('2026-11-01T10:00:00Z') / 1000;
    expect((await livestorm(livestormPeople('people.registered', 'ev-ls-1', ADA, registered))).status).toBe(200);
    await rowsAt(1, 'the registration');
    const session = { startedAt: Date.parse('2026-11-20T15:00:00Z') / 1000, endedAt: Date.parse('2026-11-20T16:00:00Z') / 1000 };
    await livestorm(livestormPeople('people.attended', 'ev-ls-1', ADA, registered, session));
    const rows = await rowsAt(2, 'the attendance');
    expect(rows.map((r) => [r.eventKey, r.state, r.email])).toEqual([
      [`external:${ACCOUNT}:ev-ls-1`, 'register', 'ada.lovelace@example.com'],
      [`external:${ACCOUNT}:ev-ls-1`, 'attend', 'ada.lovelace@example.com'],
    ]);
    expect(rows[0]?.interactionDateTime).toBe(registered * 1000);
    expect(rows[1]?.properties).toEqual({ joinedAt: '2026-11-20T15:00:00.000Z', leftAt: '2026-11-20T15:45:00.000Z' });
    expect(
      (
        await post('livestorm', livestormPeople('people.registered', 'ev-ls-1', ADA, registered), () => ({
          'content-type': 'application/json',
          'x-livestorm-signature': '1,abc',
        }))
      ).status,
    ).toBe(401);
  });

  it('Tito: when a registration finishes, the person checks in and a ticket is voided, then HubSpot gets register, attend and cancel', async () => {
    const tito = (name: string, body: unknown) => post('tito', body, (text) => titoHeaders(TITO_TOKEN, text, name));
    // Recent times: Tito signs only the body, so a body older than maxBodyAgeHours (6) is refused as a replay.
    const hour = 3_600_000;
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    expect((await tito('registration.finished', titoRegistration('caramel', ADA, iso(now - 3 * hour)))).status).toBe(200);
    // Tito names its webhooks only in a header: the stored envelope keeps it next to the raw body.
    expect(inbox('tito')[0]?.body).toContain('"$envelope"');
    await rowsAt(1, 'the registration');
    expect((await tito('ticket.updated', titoTicket('caramel', ADA, iso(now - 2 * hour)))).body).toEqual({ received: true, ignored: true });
    await tito('checkin.created', titoCheckin('caramel', ADA, iso(now - hour)));
    await rowsAt(2, 'the attendance');
    await tito('ticket.voided', titoTicket('caramel', ADA, iso(now - hour / 2), 'void'));
    const rows = await rowsAt(3, 'the cancellation');
    expect(rows.map((r) => [r.eventKey, r.state, r.email])).toEqual([
      [`external:${ACCOUNT}:caramel`, 'register', 'ada.lovelace@example.com'],
      [`external:${ACCOUNT}:caramel`, 'attend', 'ada.lovelace@example.com'],
      [`external:${ACCOUNT}:caramel`, 'cancel', 'ada.lovelace@example.com'],
    ]);
    expect(rows[0]?.contactProperties).toEqual({ firstname: 'Ada', lastname: 'Lovelace', company: 'Analytical Engines' });
    expect(rows[1]?.properties).toEqual({ joinedAt: iso(now - hour), leftAt: iso(now) });
  });
});
