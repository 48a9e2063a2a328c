import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import Database from 'better-sqlite3';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { startRelay, ZOOM_SECRET, type TestRelay } from '../support/relay.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { participantEvent, registrationEvent, zoomHeaders } from '../support/zoom.js';

let hubspot: HubspotSimulator;
let relay: TestRelay;
let temp: ReturnType<typeof tempDir>;

async function post(body: unknown, headers?: Record<string, string>, path = '/webhooks/zoom') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await request(relay.url + path, { method: 'POST', headers: headers ?? zoomHeaders(ZOOM_SECRET, text), body: text });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown>, headers: response.headers };
}

function storedWebhooks(): number {
  const db = new Database(relay.dbFile, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM inbox').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function parkedReasons(): string[] {
  const db = new Database(relay.dbFile, { readonly: true });
  try {
    return (db.prepare('SELECT parked_reason FROM inbox WHERE parked_reason IS NOT NULL').all() as Array<{ parked_reason: string }>).map(
      (r) => r.parked_reason,
    );
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
  relay = await startRelay({ dir: temp.dir, hubspotUrl: hubspot.url });
});

afterEach(async () => {
  await relay.close();
  await hubspot.close();
  temp.remove();
});

describe('Zoom webhooks end to end', () => {
  it('when a person registers, joins and leaves, then HubSpot receives register and one attend with joinedAt/leftAt', async () => {
    const person = { email: ' Grace.Hopper@Example.com ', firstName: 'Grace', lastName: 'Hopper', registrantId: 'r-1', org: 'Navy' };
    expect((await post(registrationEvent('created', '81234567890', person, Date.parse('2026-11-20T14:00:00Z')))).status).toBe(200);
    await post(participantEvent('joined', '81234567890', { registrantId: 'r-1', userName: 'Grace H' }, '2026-11-20T15:01:00Z'));
    await post(participantEvent('left', '81234567890', { registrantId: 'r-1', userName: 'Grace H' }, '2026-11-20T15:55:30Z'));

    const rows = await waitFor(() => (hubspot.attendance().length >= 2 ? hubspot.attendance() : undefined), 'two inputs at HubSpot');
    expect(rows.map((r) => [r.eventKey, r.state, r.email])).toEqual([
      ['external:acct-1:81234567890', 'register', 'grace.hopper@example.com'],
      ['external:acct-1:81234567890', 'attend', 'grace.hopper@example.com'],
    ]);
    expect(rows[0]?.interactionDateTime).toBe(Date.parse('2026-11-20T14:00:00Z'));
    expect(rows[0]?.contactProperties).toEqual({ firstname: 'Grace', lastname: 'Hopper', company: 'Navy' });
    expect(rows[1]?.properties).toEqual({ joinedAt: '2026-11-20T15:01:00.000Z', leftAt: '2026-11-20T15:55:30.000Z' });
    expect(rows[1]?.interactionDateTime).toBe(Date.parse('2026-11-20T15:01:00Z'));
  });

  it('when an event is mapped to an object id, then its inputs go to that marketing event', async () => {
    await relay.close();
    relay = await startRelay({
      dir: temp.dir,
      hubspotUrl: hubspot.url,
      config: { events: [{ source: 'zoom', sourceEventId: '555', hubspot: { objectId: '5123456' } }] },
    });
    await post(registrationEvent('approved', '555', { email: 'a@example.com' }));
    await waitFor(() => hubspot.attendance().length === 1, 'one input at HubSpot');
    expect(hubspot.attendance()[0]?.eventKey).toBe('object:5123456');
  });

  it('when the same webhook is delivered twice, then the second answer says duplicate and nothing is stored twice', async () => {
    const body = JSON.stringify(registrationEvent('created', '81234567890', { email: 'dup@example.com' }));
    const first = await post(body);
    const second = await post(body);
    expect(first.body).toMatchObject({ received: true, duplicate: false });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ received: true, duplicate: true, id: first.body.id });
    await waitFor(() => hubspot.attendance().length === 1, 'the registration at HubSpot');
    expect(storedWebhooks()).toBe(1);
  });

  it('when endpoint.url_validation is signed, then the relay answers the challenge', async () => {
    const res = await post({ event: 'endpoint.url_validation', event_ts: Date.now(), payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' } });
    expect(res.status).toBe(200);
    expect(res.body.plainToken).toBe('qgg8vlvZRS6UYooatFL8Aw');
    expect(res.body.encryptedToken).toMatch(/^[0-9a-f]{64}$/);
    expect(storedWebhooks()).toBe(0);
  });

  it('when endpoint.url_validation is unsigned, then 401 and no token is revealed', async () => {
    const body = JSON.stringify({ event: 'endpoint.url_validation', event_ts: Date.now(), payload: { plainToken: 'abc' } });
    const res = await post(body, { 'content-type': 'application/json' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 'SIGNATURE_MISSING', message: expect.any(String) });
  });

  it('when the body was changed after signing, then 401 SIGNATURE_INVALID and nothing is stored', async () => {
    const body = JSON.stringify(registrationEvent('created', '81234567890', { email: 'a@example.com' }));
    const headers = zoomHeaders(ZOOM_SECRET, body);
    const res = await post(body.replace('a@example.com', 'b@example.com'), headers);
    expect(res).toMatchObject({ status: 401, body: { code: 'SIGNATURE_INVALID' } });
    expect(storedWebhooks()).toBe(0);
  });

  it('when the timestamp is two hours old, then 401 TIMESTAMP_OUT_OF_RANGE', async () => {
    const body = JSON.stringify(registrationEvent('created', '81234567890', { email: 'a@example.com' }));
    const res = await post(body, zoomHeaders(ZOOM_SECRET, body, Math.floor(Date.now() / 1000) - 7200));
    expect(res).toMatchObject({ status: 401, body: { code: 'TIMESTAMP_OUT_OF_RANGE' } });
  });

  it('when the body is not JSON, then 400 BODY_NOT_JSON', async () => {
    const res = await post('{"event": "webinar.', zoomHeaders(ZOOM_SECRET, '{"event": "webinar.'));
    expect(res).toMatchObject({ status: 400, body: { code: 'BODY_NOT_JSON' } });
    expect(storedWebhooks()).toBe(0);
  });

  it('when the envelope misses event_ts, then it is parked (200) with a reason naming the field', async () => {
    const res = await post({ event: 'webinar.registration_created', payload: {} });
    expect(res).toMatchObject({ status: 200, body: { received: true, parked: true } });
    expect(parkedReasons()).toEqual([expect.stringContaining('event_ts')]);
  });

  it('when a registration has no registrant, then it is parked (200) with the reason, and the same delivery again is a duplicate', async () => {
    const body = { event: 'webinar.registration_created', event_ts: Date.now(), payload: { object: { id: 1 } } };
    const res = await post(body);
    expect(res).toMatchObject({ status: 200, body: { received: true, parked: true, duplicate: false } });
    expect(await post(body)).toMatchObject({ status: 200, body: { id: res.body.id, parked: true, duplicate: true } });
    expect(parkedReasons()).toEqual([expect.stringContaining('registrant')]);
  });

  it('when the source is unknown, then 404 SOURCE_NOT_FOUND', async () => {
    const res = await post({ event: 'x', event_ts: 1, payload: {} }, undefined, '/webhooks/nope');
    expect(res).toMatchObject({ status: 404, body: { code: 'SOURCE_NOT_FOUND' } });
  });

  it('when the body is over the limit, then 413 BODY_TOO_LARGE', async () => {
    const huge = JSON.stringify({ event: 'webinar.registration_created', event_ts: 1, payload: { pad: 'x'.repeat(1_100_000) } });
    const res = await post(huge, zoomHeaders(ZOOM_SECRET, huge));
    expect(res).toMatchObject({ status: 413, body: { code: 'BODY_TOO_LARGE' } });
  });

  it('when the content type is not JSON, then 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const body = JSON.stringify({ event: 'x', event_ts: 1, payload: {} });
    const res = await post(body, { ...zoomHeaders(ZOOM_SECRET, body), 'content-type': 'text/plain' });
    expect(res).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('when Zoom sends an event the relay does not map, then 200 ignored and nothing is stored', async () => {
    const res = await post({
      event: 'meeting.started',
      event_ts: Date.now(),
      payload: { object: { id: '1', start_time: '2026-11-20T15:00:00Z' } },
    });
    expect(res.status).toBe(200);
    expect(storedWebhooks()).toBe(1); // started carries the schedule, so it is kept
    const other = await post({ event: 'recording.completed', event_ts: Date.now(), payload: {} });
    expect(other.body).toEqual({ received: true, ignored: true });
    expect(storedWebhooks()).toBe(1);
  });

  it('when the store cannot write, then 503 STORE_UNAVAILABLE with Retry-After, never 200', async () => {
    const db = new Database(relay.dbFile);
    db.exec('DROP TABLE inbox'); // the relay's inserts now fail like a broken disk would
    db.close();
    const res = await post(registrationEvent('created', '81234567890', { email: 'a@example.com' }));
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('STORE_UNAVAILABLE');
    expect(res.headers['retry-after']).toBe('5');
  });
});

describe('health', () => {
  it('when the relay runs, then /healthz and /readyz answer 200', async () => {
    const health = await request(`${relay.url}/healthz`);
    expect(await health.body.json()).toEqual({ status: 'ok' });
    const ready = await request(`${relay.url}/readyz`);
    expect(ready.statusCode).toBe(200);
    expect(await ready.body.json()).toEqual({ status: 'ready', checks: { store: 'ok' }, delivery: { paused: false, pauses: [] } });
  });

  it('when HubSpot refuses the token, then /readyz stays 200 and names the pause with a code; /status has HubSpot’s detail and the scopes', async () => {
    const admin = 'admin-token-for-health-0123456789';
    await relay.close();
    relay = await startRelay({ dir: temp.dir, hubspotUrl: hubspot.url, config: { admin: { token: admin } } });
    hubspot.setTokens({ 'sim-token': { scopes: [] } });
    await post(registrationEvent('created', '81234567890', { email: 'a@example.com' }));
    const readiness = await waitFor(async () => {
      const res = await request(`${relay.url}/readyz`);
      const body = (await res.body.json()) as { delivery: { pauses: string[] } };
      return body.delivery.pauses.length > 0 ? { status: res.statusCode, body } : undefined;
    }, 'the auth pause in /readyz');
    expect(readiness).toEqual({
      status: 200,
      body: { status: 'ready', checks: { store: 'ok' }, delivery: { paused: true, pauses: ['HUBSPOT_FORBIDDEN'] } },
    });
    const status = (await (await request(`${relay.url}/status`, { headers: { authorization: `Bearer ${admin}` } })).body.json()) as {
      pauses: unknown[];
    };
    expect(status.pauses).toEqual([
      expect.objectContaining({
        cause: 'auth',
        reason: expect.stringContaining('403 MISSING_SCOPES'),
        missingScopes: ['crm.objects.marketing_events.write'],
      }),
    ]);
    const line = relay.logs.find((l) => l.msg?.toString().startsWith('HubSpot refused the access token'));
    expect(line).toMatchObject({ category: 'MISSING_SCOPES', missingScopes: ['crm.objects.marketing_events.write'] });

    hubspot.setTokens({ 'sim-token': { scopes: ['crm.objects.marketing_events.write'] } });
    await waitFor(() => hubspot.attendance().length === 1, 'delivery after the scope is granted');
  });
});
