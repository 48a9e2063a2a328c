import { afterEach, describe, expect, it } from 'vitest';
import { startHubspotSimulator, type HubspotSimulator, type HubspotSimulatorOptions } from '../../dev/hubspot-simulator/index.js';

// Paths and bodies of HubSpot's marketing events v3 (dev/hubspot-simulator/spec/hubspot-marketing-events-v3.json:
// upsert takes BatchInputMarketingEventCreateRequestParams, complete MarketingEventCompleteRequestParams).
const EVENTS = '/marketing/v3/marketing-events/events';
const AUTH = { authorization: 'Bearer sim-token', 'content-type': 'application/json' };

let running: HubspotSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.map((simulator) => simulator.close()));
  running = [];
});

async function start(options?: HubspotSimulatorOptions): Promise<HubspotSimulator> {
  const simulator = await startHubspotSimulator(options);
  running.push(simulator);
  return simulator;
}

async function call(simulator: HubspotSimulator, method: string, path: string, body?: unknown) {
  const response = await fetch(simulator.url + path, {
    method,
    headers: AUTH,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const WEBINAR = {
  externalAccountId: 'acct',
  externalEventId: '8123',
  eventName: 'Quarterly update',
  eventOrganizer: 'Acme Inc.',
  startDateTime: '2026-03-02T15:00:00.000Z',
  endDateTime: '2026-03-02T16:00:00.000Z',
  eventUrl: 'https://example.zoom.us/j/8123',
  customProperties: [],
};

const ATTEND = {
  inputs: [
    {
      email: 'ann@example.com',
      interactionDateTime: 1772463600000,
      properties: { joinedAt: '2026-03-02T15:00:00.000Z', leftAt: '2026-03-02T15:30:00.000Z' },
      contactProperties: {},
    },
  ],
};

describe('HubSpot simulator: marketing events', () => {
  it('answers the external-id attendance endpoint with 404 until the event is created by upsert', async () => {
    const simulator = await start();
    const attend = `/marketing/v3/marketing-events/attendance/8123/attend/email-create?externalAccountId=acct`;
    const before = await call(simulator, 'POST', attend, ATTEND);
    expect(before.status).toBe(404);
    expect(before.json.category).toBe('OBJECT_NOT_FOUND');

    const upsert = await call(simulator, 'POST', `${EVENTS}/upsert`, { inputs: [WEBINAR] });
    expect(upsert.status).toBe(200);
    const [created] = upsert.json.results as Array<Record<string, unknown>>;
    expect(created).toMatchObject({ eventName: 'Quarterly update', eventOrganizer: 'Acme Inc.', id: expect.any(String) });

    expect((await call(simulator, 'POST', attend, ATTEND)).status).toBe(200);
    const read = await call(simulator, 'GET', `${EVENTS}/8123?externalAccountId=acct`);
    expect(read.json).toMatchObject({ id: created?.id, attendees: 1, registrants: 0, eventUrl: WEBINAR.eventUrl });
  });

  it('refuses an upsert the spec refuses, naming the field', async () => {
    const simulator = await start();
    const { eventOrganizer: _left, ...noOrganizer } = WEBINAR;
    const answer = await call(simulator, 'POST', `${EVENTS}/upsert`, { inputs: [noOrganizer] });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      category: 'VALIDATION_ERROR',
      message: 'Invalid input JSON at inputs[0].eventOrganizer: is required',
    });
    expect(simulator.events()).toEqual([]);
  });

  it('completes and cancels a created event; 404 for one never created', async () => {
    const simulator = await start();
    await call(simulator, 'POST', `${EVENTS}/upsert`, { inputs: [WEBINAR, { ...WEBINAR, externalEventId: '9001' }] });
    const times = { startDateTime: '2026-03-02T15:02:00.000Z', endDateTime: '2026-03-02T15:58:00.000Z' };
    const complete = await call(simulator, 'POST', `${EVENTS}/8123/complete?externalAccountId=acct`, times);
    expect(complete.status).toBe(200);
    expect(complete.json).toMatchObject({ eventCompleted: true, ...times });
    expect((await call(simulator, 'POST', `${EVENTS}/8123/complete?externalAccountId=acct`, { startDateTime: 'x' })).status).toBe(400);
    expect((await call(simulator, 'POST', `${EVENTS}/9001/cancel?externalAccountId=acct`)).json).toMatchObject({ eventCancelled: true });
    expect((await call(simulator, 'POST', `${EVENTS}/404/cancel?externalAccountId=acct`)).status).toBe(404);

    const state = await (await fetch(`${simulator.url}/_simulator/events`)).json();
    expect(state).toEqual([
      expect.objectContaining({ externalEventId: '8123', state: 'completed', upserts: 1, ...times }),
      expect.objectContaining({ externalEventId: '9001', state: 'cancelled' }),
    ]);
    expect(simulator.requests().map((r) => `${r.state} ${r.status}`)).toEqual([
      'upsert 200',
      'complete 200',
      'complete 400',
      'cancel 200',
      'cancel 404',
    ]);
  });

  it('shares authentication and rate limits with attendance', async () => {
    const simulator = await start({ rateLimit: { max: 1, intervalMs: 60_000 } });
    const unauthenticated = await fetch(`${simulator.url}${EVENTS}/upsert`, { method: 'POST', body: '{}' });
    expect(unauthenticated.status).toBe(401);
    expect((await call(simulator, 'POST', `${EVENTS}/upsert`, { inputs: [WEBINAR] })).status).toBe(200);
    expect((await call(simulator, 'POST', `${EVENTS}/upsert`, { inputs: [WEBINAR] })).status).toBe(429);
  });

  it('takes events as created by a control route, or every external id with externalEvents: any', async () => {
    const simulator = await start();
    const attend = `/marketing/v3/marketing-events/attendance/old-1/attend/email-create?externalAccountId=acct`;
    const pre = await fetch(`${simulator.url}/_simulator/events/pre-create`, {
      method: 'POST',
      body: JSON.stringify([{ externalAccountId: 'acct', externalEventId: 'old-1' }]),
    });
    expect(pre.status).toBe(200);
    expect((await call(simulator, 'POST', attend, ATTEND)).status).toBe(200);

    const lenient = await start({ externalEvents: 'any' });
    expect((await call(lenient, 'POST', attend.replace('old-1', 'other'), ATTEND)).status).toBe(200);
  });
});
