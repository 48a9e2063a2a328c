import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { killRelay, relayConfig, spawnTestRelay, writeConfig, type RelayProcess } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { endedEvent, participantEvent, registrationEvent, zoomHeaders } from '../support/zoom.js';

/**
 * Issue 14 end to end, with a real relay process: HubSpot marketing events created and finished by the
 * relay (createEvents). The simulator answers attendance for an event never created with 404, as HubSpot does.
 */

const SECRET = 'zoom-secret-for-hubspot-events';
const ADMIN = 'admin-token-for-hubspot-events-e2e';
const WEBINAR = '81234567890';

let hubspot: HubspotSimulator;
let relay: RelayProcess | undefined;
let temp: ReturnType<typeof tempDir>;

/** `account`: the mapping's externalAccountId; null leaves it out (the webhook's Zoom account_id is used). */
function config(eventOrganizer: string, account: string | null = 'zoom-acct'): Record<string, unknown> {
  return {
    hubspot: { batchWaitMs: 50, authProbeIntervalMs: 200 },
    admin: { token: ADMIN },
    sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }],
    events: [
      {
        source: 'zoom',
        sourceEventId: '*',
        hubspot: { ...(account === null ? {} : { externalAccountId: account }), createEvents: { eventOrganizer, eventType: 'WEBINAR' } },
      },
    ],
  };
}

async function post(body: unknown): Promise<number> {
  const text = JSON.stringify(body);
  const answer = await request(`${relay?.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(SECRET, text), body: text });
  await answer.body.dump();
  return answer.statusCode;
}

async function admin(method: 'GET' | 'POST', path: string, body?: unknown) {
  const answer = await request(`${relay?.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await answer.body.json()) as Record<string, unknown>;
}

/** What reached the simulator, as `<action> <status> <event>`. */
const calls = () => hubspot.requests().map((r) => `${r.state} ${r.status} ${r.eventKey}`);

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator();
});

afterEach(async () => {
  killRelay(relay);
  relay = undefined;
  await hubspot.close();
  temp.remove();
});

describe('HubSpot events created by the relay (createEvents)', () => {
  it('creates a webinar it never saw, sends its attendance to it, and completes it after the attend batch', async () => {
    relay = await spawnTestRelay(temp.dir, hubspot.url, config('Acme Inc.'));
    const person = { email: 'ada@example.com', firstName: 'Ada', registrantId: 'r-1' };
    expect(await post(registrationEvent('created', WEBINAR, person))).toBe(200);
    await post(participantEvent('joined', WEBINAR, { registrantId: 'r-1' }, '2026-11-20T15:01:00Z'));
    await post(participantEvent('left', WEBINAR, { registrantId: 'r-1' }, '2026-11-20T15:50:00Z'));
    await post(endedEvent(WEBINAR, '2026-11-20T15:00:00Z', '2026-11-20T15:58:00Z'));

    await waitFor(() => hubspot.events().find((e) => e.state === 'completed'), 'the webinar completed at HubSpot');
    const key = `external:zoom-acct:${WEBINAR}`;
    // Nothing before the upsert; register and attend are separate batches, in either order; complete last.
    const sent = calls();
    expect(sent[0]).toBe('upsert 200 batch');
    expect(sent.slice(1, 3).sort()).toEqual([`attend 200 ${key}`, `register 200 ${key}`]);
    expect(sent.slice(3)).toEqual([`complete 200 ${key}`]);
    const [upsert] = hubspot.requests();
    // The webinar's fields; the registrant's personal join_url is not the event's link.
    expect(upsert?.body).toEqual({
      inputs: [
        {
          externalAccountId: 'zoom-acct',
          externalEventId: WEBINAR,
          eventName: 'Test webinar',
          eventOrganizer: 'Acme Inc.',
          eventType: 'WEBINAR',
          startDateTime: '2026-11-20T15:00:00.000Z',
          endDateTime: '2026-11-20T16:00:00.000Z',
          customProperties: [],
        },
      ],
    });
    expect(hubspot.requests().at(-1)?.body).toEqual({ startDateTime: '2026-11-20T15:00:00.000Z', endDateTime: '2026-11-20T15:58:00.000Z' });
    expect(
      hubspot
        .attendance()
        .map((r) => r.state)
        .sort(),
    ).toEqual(['attend', 'register']);
    const listed = (await admin('GET', '/admin/events')).events;
    const created = hubspot.events()[0];
    expect(listed).toEqual([
      expect.objectContaining({
        source: 'zoom',
        sourceEventId: WEBINAR,
        externalAccountId: 'zoom-acct',
        state: 'completed',
        objectId: created?.objectId,
      }),
    ]);
    expect((await admin('GET', '/status')).hubspotEvents).toEqual(listed);
    const metrics = await (await request(`${relay.url}/metrics`)).body.text();
    expect(metrics).toMatch(/relay_hubspot_event_calls_total\{kind="upsert",outcome="ok"\} 1/);
    const logs = relay.logs;
    const line = await waitFor(() => logs.find((l) => l.msg === 'hubspot event call' && l.kind === 'complete'), 'the complete logged');
    expect(line).toMatchObject({ outcome: 'ok', httpStatus: 200 });
  });

  it("cancels a webinar Zoom deleted; with no externalAccountId configured, the event is under the webhook's Zoom account_id", async () => {
    relay = await spawnTestRelay(temp.dir, hubspot.url, config('Acme Inc.', null));
    await post(registrationEvent('created', WEBINAR, { email: 'ada@example.com' }));
    await waitFor(() => hubspot.attendance().length === 1, 'the registration at HubSpot');
    await post({
      event: 'webinar.deleted',
      event_ts: Date.now(),
      payload: { account_id: 'a', object: { id: Number(WEBINAR), topic: 'Test webinar' } },
    });
    await waitFor(() => hubspot.events().find((e) => e.state === 'cancelled'), 'the webinar cancelled at HubSpot');
    // The registration's account_id ('test-account') named the event; the deletion's other one does not move it.
    expect(calls().at(-1)).toBe(`cancel 200 external:test-account:${WEBINAR}`);
    expect(hubspot.attendance()[0]?.eventKey).toBe(`external:test-account:${WEBINAR}`);
  });

  it('dead-letters the records of an event HubSpot refuses, with its message; a reload and a replay deliver them', async () => {
    relay = await spawnTestRelay(temp.dir, hubspot.url, config('Acme Inc.'));
    const refusal = { status: 'error', message: 'eventOrganizer is not allowed', category: 'VALIDATION_ERROR' };
    hubspot.inject({ kind: 'status', status: 400, body: refusal, match: { state: 'upsert' } });
    await post(registrationEvent('created', WEBINAR, { email: 'ada@example.com' }));

    const dead = await waitFor(async () => {
      const list = (await admin('GET', '/admin/records?state=dead')).records as Array<Record<string, unknown>>;
      return list.length === 1 ? list[0] : undefined;
    }, 'the record dead-lettered');
    expect(JSON.stringify(dead)).toContain('HubSpot refused to create the marketing event: eventOrganizer is not allowed');
    expect(hubspot.attendance()).toEqual([]);

    writeConfig(temp.dir, relayConfig(temp.dir, hubspot.url, config('Acme Events Ltd.')));
    relay.child.kill('SIGHUP');
    await waitFor(() => hubspot.events().find((e) => e.eventOrganizer === 'Acme Events Ltd.'), 'the event created after the reload');
    expect(await admin('POST', '/admin/records/replay', { filter: { state: 'dead', source: 'zoom' } })).toMatchObject({ replayed: 1 });
    await waitFor(() => hubspot.attendance().length === 1, 'the replayed registration at HubSpot');
  });

  it('creates the event of a generic source from the mapped eventName and times', async () => {
    const token = 'kiosk-bearer-token-0123456789';
    relay = await spawnTestRelay(temp.dir, hubspot.url, {
      sources: [
        {
          id: 'kiosk',
          type: 'generic',
          verify: { scheme: 'bearer', token },
          map: {
            eventType: 'type',
            states: { checkin: 'attend' },
            email: 'email',
            sourceEventId: 'event.id',
            occurredAt: 'at',
            eventName: 'event.title',
            eventStartsAt: 'event.starts',
          },
        },
      ],
      events: [
        { source: 'kiosk', sourceEventId: '*', endsAt: '2026-11-20T17:00:00Z', hubspot: { createEvents: { eventOrganizer: 'Acme' } } },
      ],
    });
    const body = JSON.stringify({
      type: 'checkin',
      email: 'grace@example.com',
      at: '2026-11-20T15:05:00Z',
      event: { id: 'expo-1', title: 'Expo day', starts: '2026-11-20T15:00:00Z' },
    });
    const answer = await request(`${relay.url}/webhooks/kiosk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    await answer.body.dump();
    expect(answer.statusCode).toBe(200);
    await waitFor(() => hubspot.attendance().length === 1, 'the check-in at HubSpot');
    expect(hubspot.events()).toEqual([
      expect.objectContaining({
        externalAccountId: 'kiosk',
        externalEventId: 'expo-1',
        eventName: 'Expo day',
        startDateTime: '2026-11-20T15:00:00.000Z',
        endDateTime: '2026-11-20T17:00:00.000Z',
      }),
    ]);
    expect(hubspot.attendance()[0]?.eventKey).toBe('external:kiosk:expo-1');
  });
});
