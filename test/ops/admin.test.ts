import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { startRelay, testConfig, ZOOM_SECRET, type TestRelay } from '../support/relay.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

const ADMIN_TOKEN = 'admin-token-for-the-tests-0123456789';
let hubspot: HubspotSimulator;
let relay: TestRelay;
let temp: ReturnType<typeof tempDir>;
let events: unknown[];

async function admin(method: 'GET' | 'POST', path: string, body?: unknown, token: string | null = ADMIN_TOKEN) {
  const res = await request(relay.url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function register(email: string, eventId = '111') {
  const body = JSON.stringify(registrationEvent('created', eventId, { email }));
  const res = await request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(ZOOM_SECRET, body), body });
  expect(res.statusCode).toBe(200);
  await res.body.dump();
}

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
  events = [{ source: 'zoom', sourceEventId: '111', hubspot: { objectId: '1' } }];
  const options = { dir: temp.dir, hubspotUrl: hubspot.url, config: { admin: { token: ADMIN_TOKEN }, events } };
  // What a reload reads: the same configuration with whatever `events` holds by then.
  relay = await startRelay({ ...options, loadConfig: () => testConfig({ ...options, config: { ...options.config, events } }) });
});

afterEach(async () => {
  await relay.close();
  await hubspot.close();
  temp.remove();
});

describe('admin routes: closed without the token', () => {
  it.each([
    ['no token', null],
    ['a wrong token', 'admin-token-for-the-tests-XXXXXXXXXX'],
    ['a token that is a prefix', ADMIN_TOKEN.slice(0, 10)],
  ])('when called with %s, then 401 ADMIN_UNAUTHORIZED and nothing else is said', async (_name, token) => {
    for (const [method, path] of [
      ['GET', '/status'],
      ['GET', '/admin/records'],
      ['POST', '/admin/reload'],
    ] as const) {
      const res = await admin(method, path, undefined, token);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 'ADMIN_UNAUTHORIZED', message: expect.any(String) });
    }
  });

  it('when answered, then security headers are set and nothing is cacheable', async () => {
    const res = await admin('GET', '/status');
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('when no admin token is configured, then the admin routes do not exist', async () => {
    await relay.close();
    relay = await startRelay({ dir: temp.dir, hubspotUrl: hubspot.url });
    expect((await admin('GET', '/admin/records')).status).toBe(404);
    expect((await admin('GET', '/status')).body.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('dead letters and replay', () => {
  it('when a record was dead-lettered, then it is listed with HubSpot error, and replaying it delivers it', async () => {
    hubspot.inject({
      kind: 'input-error',
      category: 'VALIDATION_ERROR',
      message: 'Invalid email `dead@example.com`',
      match: { email: 'dead@example.com' },
    });
    await register('dead@example.com');
    const dead = await waitFor(async () => (await admin('GET', '/admin/records?state=dead')).body.records[0], 'the dead record');
    expect(dead).toMatchObject({
      email: 'dead@example.com',
      status: 'dead',
      source: 'zoom',
      sourceEventId: '111',
      hubspotEvent: 'object:1',
    });
    expect(dead.lastError).toContain('Invalid email');

    const status = await admin('GET', '/status');
    expect(status.body.records.dead).toBe(1);
    const replay = await admin('POST', '/admin/records/replay', { ids: [dead.id] });
    expect(replay.body).toEqual({ replayed: 1, stillUnmapped: 0 });
    await waitFor(() => hubspot.attendance().some((r) => r.email === 'dead@example.com'), 'the replayed record at HubSpot');
    await waitFor(
      async () => (await admin('GET', `/admin/records?email=dead@example.com`)).body.records[0]?.status === 'delivered',
      'delivered',
    );
  });

  it('when records are listed page by page, then pages are newest first and the cursor leads to older ones', async () => {
    for (let i = 0; i < 5; i++) await register(`page${i}@example.com`);
    await waitFor(async () => (await admin('GET', '/admin/records?state=delivered')).body.records.length === 5, 'five delivered');
    const first = await admin('GET', '/admin/records?limit=2');
    expect(first.body.records.map((r: { email: string }) => r.email)).toEqual(['page4@example.com', 'page3@example.com']);
    const second = await admin('GET', `/admin/records?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.records.map((r: { email: string }) => r.email)).toEqual(['page2@example.com', 'page1@example.com']);
  });
});

describe('configuration reload', () => {
  it('when a new mapping is added and the config reloaded, then unmapped records of that event are delivered', async () => {
    await register('later@example.com', '222');
    await waitFor(async () => (await admin('GET', '/admin/records?state=unmapped')).body.records.length === 1, 'an unmapped record');
    events.push({ source: 'zoom', sourceEventId: '222', hubspot: { objectId: '2' } });
    const reload = await admin('POST', '/admin/reload');
    expect(reload.body).toMatchObject({ reloaded: true, applied: ['events'], mapped: 1 });
    await waitFor(
      () => hubspot.attendance().some((r) => r.email === 'later@example.com' && r.eventKey === 'object:2'),
      'delivered after reload',
    );
  });

  it('when the reloaded configuration is invalid, then 400 CONFIG_INVALID and the running one stays', async () => {
    events.push({ source: 'nope', sourceEventId: '1', hubspot: { objectId: '9' } });
    const reload = await admin('POST', '/admin/reload');
    expect(reload.status).toBe(400);
    expect(reload.body.code).toBe('CONFIG_INVALID');
    expect(reload.body.message).toContain('events[1].source');
    await register('still@example.com');
    await waitFor(() => hubspot.attendance().some((r) => r.email === 'still@example.com'), 'still delivering');
  });

  it('when unmapped records are replayed after the mapping is fixed, then they go out', async () => {
    await register('fixme@example.com', '333');
    await waitFor(async () => (await admin('GET', '/admin/records?state=unmapped')).body.records.length === 1, 'an unmapped record');
    expect((await admin('POST', '/admin/records/replay', { filter: { state: 'unmapped' } })).body).toEqual({
      replayed: 0,
      stillUnmapped: 1,
    });
    events.push({ source: 'zoom', sourceEventId: '333', hubspot: { objectId: '3' } });
    await admin('POST', '/admin/reload');
    await waitFor(() => hubspot.attendance().some((r) => r.email === 'fixme@example.com'), 'delivered');
  });
});
