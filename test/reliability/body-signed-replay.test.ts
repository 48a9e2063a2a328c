import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { titoCheckin, titoRegistration } from '../sources/generic/payloads.js';
import { titoHeaders } from '../sources/generic/support.js';
import { queryDb } from '../support/db.js';
import { startRelay, type TestRelay } from '../support/relay.js';
import { relayForTests } from '../support/relay-fixture.js';
import { waitFor } from '../support/wait.js';

// Issue 12, item 6: Tito signs only the body and names the event in the unsigned X-Webhook-Name
// header, which was part of the dedup key: one captured registration body posted again as
// registration.cancelled or checkin.created delivered a cancel and an attend for that person.
const TITO_TOKEN = 'tito-security-token-0123';
const HMAC_SECRET = 'checkin-app-hmac-secret-0123';
const ADA = { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' };
const running = relayForTests({
  sources: [{ id: 'tito', type: 'tito', secret: TITO_TOKEN }],
  events: [{ source: 'tito', sourceEventId: '*', hubspot: { objectId: '77' } }],
});

async function post(url: string, path: string, text: string, headers: Record<string, string>) {
  const res = await request(url + path, { method: 'POST', headers, body: text });
  return { status: res.statusCode, body: (await res.body.json()) as { code?: string; duplicate?: boolean } };
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe('Tito: a captured signed body cannot be replayed as another event', () => {
  it('when a registration body is posted again as a cancel or a check-in, or an old signed body arrives, then only the registration (and a real check-in) are stored and reach HubSpot', async () => {
    const text = JSON.stringify(titoRegistration('caramel', ADA, minutesAgo(5)));
    const as = (name: string, body = text) => post(running.relay.url, '/webhooks/tito', body, titoHeaders(TITO_TOKEN, body, name));
    expect(await as('registration.finished')).toMatchObject({ status: 200, body: { duplicate: false } });
    // The same signed bytes under another registration.* name: the same delivery (deduplicated on the body).
    expect(await as('registration.cancelled')).toMatchObject({ status: 200, body: { duplicate: true } });
    // Under a check-in or ticket name: the body says it is a registration (_type).
    expect(await as('checkin.created')).toMatchObject({ status: 401, body: { code: 'SIGNATURE_INVALID' } });
    expect(await as('ticket.voided')).toMatchObject({ status: 401, body: { code: 'SIGNATURE_INVALID' } });
    // A body whose own time is older than maxBodyAgeHours (6) is refused, whatever it claims.
    const old = JSON.stringify(titoRegistration('caramel', { ...ADA, email: 'old@example.com' }, minutesAgo(7 * 60)));
    expect(await as('registration.cancelled', old)).toMatchObject({ status: 401, body: { code: 'TIMESTAMP_OUT_OF_RANGE' } });
    // A real check-in still counts.
    const checkin = JSON.stringify(titoCheckin('caramel', ADA, minutesAgo(1)));
    expect(await as('checkin.created', checkin)).toMatchObject({ status: 200 });

    expect(queryDb<{ n: number }>(running.relay.dbFile, 'SELECT COUNT(*) AS n FROM inbox')[0]?.n).toBe(2);
    await waitFor(() => running.hubspot.attendance().length === 2, 'the registration and the check-in at HubSpot');
    expect(running.hubspot.attendance().map((r) => [r.state, r.email])).toEqual([
      ['register', 'ada@example.com'],
      ['attend', 'ada@example.com'],
    ]);
  });
});

describe('a generic hmac-sha256 source signing only the body: the same rules', () => {
  let generic: TestRelay;
  afterAll(async () => generic?.close());

  it('when its event type is read from a header, then the body must agree (map.bodyType), repeats are one delivery, and old bodies are refused', async () => {
    generic = await startRelay({
      dir: running.dir,
      hubspotUrl: running.hubspot.url,
      config: {
        store: { url: `sqlite:${running.dir}/generic.db` },
        sources: [
          {
            id: 'checkin-app',
            type: 'generic',
            verify: { scheme: 'hmac-sha256', secret: HMAC_SECRET, header: 'X-Signature', maxBodyAgeHours: 2 },
            map: {
              eventType: 'header:X-Event',
              bodyType: 'kind',
              states: { 'guest.registered': 'register', 'guest.cancelled': 'cancel' },
              email: 'email',
              occurredAt: 'at',
              sourceEventId: 'event',
            },
          },
        ],
        events: [{ source: 'checkin-app', sourceEventId: '*', hubspot: { objectId: '78' } }],
      },
    });
    const send = (event: string, body: Record<string, unknown>) => {
      const text = JSON.stringify(body);
      return post(generic.url, '/webhooks/checkin-app', text, {
        'content-type': 'application/json',
        'x-signature': createHmac('sha256', HMAC_SECRET).update(text).digest('hex'),
        'x-event': event,
      });
    };
    const guest = { kind: 'guest', email: 'grace@example.com', event: 'ev-1', at: minutesAgo(5) };
    expect((await send('guest.registered', guest)).status).toBe(200);
    expect(await send('guest.cancelled', guest)).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(await send('guest.cancelled', { ...guest, kind: 'ticket' })).toMatchObject({ status: 401, body: { code: 'SIGNATURE_INVALID' } });
    expect(await send('guest.cancelled', { ...guest, at: minutesAgo(3 * 60) })).toMatchObject({
      status: 401,
      body: { code: 'TIMESTAMP_OUT_OF_RANGE' },
    });
    expect(queryDb<{ n: number }>(`${running.dir}/generic.db`, 'SELECT COUNT(*) AS n FROM inbox')[0]?.n).toBe(1);
    await waitFor(() => running.hubspot.attendance().some((r) => r.email === 'grace@example.com'), 'the registration at HubSpot');
    expect(
      running.hubspot
        .attendance()
        .filter((r) => r.email === 'grace@example.com')
        .map((r) => r.state),
    ).toEqual(['register']);
  });
});
