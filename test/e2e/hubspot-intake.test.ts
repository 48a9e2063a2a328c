import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { freshSchema, postgresUrl, type TestSchema } from '../support/postgres.js';
import { startRelay, ZOOM_SECRET, type TestRelay } from '../support/relay.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';
import {
  CRM_TOKEN,
  getLink,
  hubspotSdk,
  input,
  isBatchResponse,
  isHubspotError,
  KIOSK_TOKEN,
  refusal,
  storedBatches,
  withHeaders,
} from '../hubspot-compat/hubspot-sdk.js';

let hubspot: HubspotSimulator;
let relay: TestRelay;
let temp: ReturnType<typeof tempDir>;

async function start(options: { tokens?: string[]; hubspot?: Record<string, unknown>; storeUrl?: string } = {}) {
  relay = await startRelay({
    dir: temp.dir,
    hubspotUrl: hubspot.url,
    config: {
      intake: { tokens: options.tokens ?? [KIOSK_TOKEN, CRM_TOKEN] },
      ...(options.storeUrl ? { store: { url: options.storeUrl } } : {}),
    },
    hubspot: options.hubspot,
  });
}

/** Polls the batch's status link through the SDK until it says COMPLETE. */
async function untilComplete(path: string, token = KIOSK_TOKEN) {
  const client = hubspotSdk(relay.url, token);
  return waitFor(async () => {
    const answer = await getLink(client, path);
    return answer.body.status === 'COMPLETE' ? answer : undefined;
  }, `batch ${path} COMPLETE`);
}

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
});

afterEach(async () => {
  await relay?.close();
  await hubspot.close();
  temp.remove();
});

describe('HubSpot-compatible intake, driven by HubSpot’s official SDK', () => {
  it('when a caller records participants by object id, then it gets PENDING with a status link, the inputs reach HubSpot, and the link turns COMPLETE with HubSpot’s results', async () => {
    await start();
    const client = hubspotSdk(relay.url);
    const sent = [
      input('Ada@Example.com', { contactProperties: { firstname: 'Ada', lastname: 'Lovelace' } }),
      input('grace@example.com', { interactionDateTime: Date.parse('2026-11-20T15:05:00Z') }),
    ];
    const answer = await client.marketing.events.addEventAttendeesApi.recordByEmail('5123456', 'register', { inputs: sent });

    expect(answer.status).toBe('PENDING');
    expect(answer.results).toEqual([]);
    expect(answer.requestedAt).toBeInstanceOf(Date);
    expect(answer.startedAt).toBeInstanceOf(Date);
    expect(answer.completedAt).toBeInstanceOf(Date);
    expect(answer.links?.status).toMatch(/^\/intake\/batches\/[A-Za-z0-9_-]{22}$/); // opaque, and only this token's

    const rows = await waitFor(() => (hubspot.attendance().length === 2 ? hubspot.attendance() : undefined), 'both inputs at HubSpot');
    expect(rows.map((r) => [r.eventKey, r.state, r.email, r.interactionDateTime, r.contactProperties])).toEqual([
      ['object:5123456', 'register', 'ada@example.com', sent[0]?.interactionDateTime, { firstname: 'Ada', lastname: 'Lovelace' }],
      ['object:5123456', 'register', 'grace@example.com', sent[1]?.interactionDateTime, { firstname: 'Test' }],
    ]);

    const done = await untilComplete(answer.links?.status as string);
    expect(done.status).toBe(200);
    expect(isBatchResponse(done.body), JSON.stringify(isBatchResponse.errors)).toBe(true);
    expect(done.body).toMatchObject({ status: 'COMPLETE', links: { status: answer.links?.status } });
    expect(done.body.results).toEqual(rows.map((r) => ({ email: r.email, vid: r.vid })));
    expect(done.body.errors).toBeUndefined();
    expect(Date.parse(String(done.body.completedAt))).toBeGreaterThanOrEqual(Date.parse(String(done.body.startedAt)));
  });

  it('when a caller records participants by external ids, then HubSpot receives them for that external event, properties as given', async () => {
    await start();
    const client = hubspotSdk(relay.url);
    const properties = { joinedAt: '2026-11-20T15:00:00.000Z', leftAt: '2026-11-20T15:45:00.000Z' };
    const answer = await client.marketing.events.addEventAttendeesApi.recordByContactEmails(
      'webinar-77',
      'attend',
      { inputs: [input('kiosk@example.com', { properties })] },
      'acct-9',
    );
    expect(answer.status).toBe('PENDING');
    const [row] = await waitFor(() => (hubspot.attendance().length === 1 ? hubspot.attendance() : undefined), 'the attend at HubSpot');
    expect(row).toMatchObject({ eventKey: 'external:acct-9:webinar-77', state: 'attend', email: 'kiosk@example.com', properties });
  });

  it('when a caller sends Prefer: wait=N, then the answer is HubSpot’s delivered result, with Preference-Applied', async () => {
    await start();
    const client = hubspotSdk(relay.url);
    const answer = await client.marketing.events.addEventAttendeesApi.recordByEmailWithHttpInfo(
      '5123456',
      'register',
      { inputs: [input('wait@example.com'), input('also@example.com')] },
      withHeaders({ Prefer: 'wait=10' }),
    );
    expect(answer.httpStatusCode).toBe(200);
    expect(answer.headers['preference-applied']).toBe('wait=10');
    expect(answer.data.status).toBe('COMPLETE');
    const vids = new Map(hubspot.attendance().map((r) => [r.email, r.vid]));
    expect(answer.data.results).toEqual([
      { email: 'wait@example.com', vid: vids.get('wait@example.com') },
      { email: 'also@example.com', vid: vids.get('also@example.com') },
    ]);

    // More than 30 s is capped at 30.
    const capped = await client.marketing.events.addEventAttendeesApi.recordByEmailWithHttpInfo(
      '5123456',
      'cancel',
      { inputs: [input('wait@example.com', { interactionDateTime: Date.now() })] },
      withHeaders({ Prefer: 'respond-async, wait=600' }),
    );
    expect(capped.headers['preference-applied']).toBe('wait=30');
    expect(capped.data.status).toBe('COMPLETE');
  });

  it('when HubSpot is slower than the wait, then the answer comes after N seconds with the PENDING/PROCESSING shape and its status link', async () => {
    await start();
    hubspot.inject({ kind: 'latency', ms: 4000 });
    const client = hubspotSdk(relay.url);
    const started = Date.now();
    const answer = await client.marketing.events.addEventAttendeesApi.recordByEmailWithHttpInfo(
      '5123456',
      'register',
      { inputs: [input('slow@example.com')] },
      withHeaders({ Prefer: 'wait=1' }),
    );
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(3000);
    expect(answer.headers['preference-applied']).toBe('wait=1');
    expect(['PENDING', 'PROCESSING']).toContain(answer.data.status);
    expect(answer.data.results).toEqual([]);
    const done = await untilComplete(answer.data.links?.status as string);
    expect(done.body.results).toEqual([{ email: 'slow@example.com', vid: hubspot.attendance()[0]?.vid }]);
  });

  it('when the status link is read with Prefer: wait, then it answers once the batch is COMPLETE', async () => {
    await start({ hubspot: { batchWaitMs: 300 } });
    const client = hubspotSdk(relay.url);
    const answer = await client.marketing.events.addEventAttendeesApi.recordByEmail('77', 'register', {
      inputs: [input('poll@example.com')],
    });
    const read = await getLink(client, answer.links?.status as string, { Prefer: 'wait=10' });
    expect(read.headers['preference-applied']).toBe('wait=10');
    expect(read.body).toMatchObject({ status: 'COMPLETE', results: [{ email: 'poll@example.com' }] });
  });

  it('when inputs from two callers and a webhook name the same event and state, then HubSpot receives them in one request', async () => {
    await start({ hubspot: { batchWaitMs: 500 } });
    const kiosk = hubspotSdk(relay.url, KIOSK_TOKEN);
    const crm = hubspotSdk(relay.url, CRM_TOKEN);
    // The test relay maps every Zoom event to external account acct-1, event id = the Zoom id.
    const webhook = JSON.stringify(registrationEvent('created', '81234567890', { email: 'zoom.person@example.com' }));
    await Promise.all([
      request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(ZOOM_SECRET, webhook), body: webhook }).then((r) =>
        r.body.dump(),
      ),
      kiosk.marketing.events.addEventAttendeesApi.recordByContactEmails(
        '81234567890',
        'register',
        { inputs: [input('kiosk.person@example.com')] },
        'acct-1',
      ),
      crm.marketing.events.addEventAttendeesApi.recordByContactEmails(
        '81234567890',
        'register',
        { inputs: [input('crm.person@example.com')] },
        'acct-1',
      ),
    ]);
    await waitFor(() => hubspot.attendance().length === 3, 'three inputs at HubSpot');
    const calls = hubspot.requests().filter((r) => r.status === 200);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ eventKey: 'external:acct-1:81234567890', state: 'register', inputs: 3 });
    expect(
      hubspot
        .attendance()
        .map((r) => r.email)
        .sort(),
    ).toEqual(['crm.person@example.com', 'kiosk.person@example.com', 'zoom.person@example.com']);
  });

  it('when a caller cancels what a webhook registered, then the cancel never overtakes the register', async () => {
    await start({ hubspot: { batchWaitMs: 300 } });
    const registeredAt = Date.now() - 60_000;
    const webhook = JSON.stringify(registrationEvent('created', '81234567890', { email: 'order@example.com' }, registeredAt));
    await request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(ZOOM_SECRET, webhook), body: webhook }).then((r) =>
      r.body.dump(),
    );
    await hubspotSdk(relay.url).marketing.events.addEventAttendeesApi.recordByContactEmails(
      '81234567890',
      'cancel',
      { inputs: [input('order@example.com', { interactionDateTime: Date.now() })] },
      'acct-1',
    );
    await waitFor(() => hubspot.attendance().length === 2, 'register and cancel at HubSpot');
    expect(hubspot.attendance().map((r) => r.state)).toEqual(['register', 'cancel']);
  });

  it('when HubSpot refuses one input, then the batch completes with the others in results and that one in errors, with HubSpot’s message', async () => {
    await start();
    const message = 'Contact `blocked@example.com` may not be registered';
    hubspot.inject({ kind: 'input-error', category: 'VALIDATION_ERROR', message, match: { email: 'blocked@example.com' } });
    const client = hubspotSdk(relay.url);
    const answer = await client.marketing.events.addEventAttendeesApi.recordByEmail('5123456', 'register', {
      inputs: [input('fine@example.com'), input('blocked@example.com')],
    });
    const done = await untilComplete(answer.links?.status as string);
    expect(isBatchResponse(done.body), JSON.stringify(isBatchResponse.errors)).toBe(true);
    expect(done.body.results).toEqual([{ email: 'fine@example.com', vid: hubspot.attendance()[0]?.vid }]);
    expect(done.body.numErrors).toBe(1);
    expect(done.body.errors).toEqual([
      { status: 'error', category: 'VALIDATION_ERROR', message, context: { emails: ['blocked@example.com'] }, errors: [], links: {} },
    ]);
    // The same answer through the SDK's Prefer: wait path.
    const again = await client.marketing.events.addEventAttendeesApi.recordByEmailWithHttpInfo(
      '5123456',
      'register',
      { inputs: [input('fine2@example.com')] },
      withHeaders({ Prefer: 'wait=10' }),
    );
    expect(again.data).toMatchObject({ status: 'COMPLETE', results: [{ email: 'fine2@example.com' }] });
  });

  it('when the token is wrong or missing, then the answer is HubSpot’s 401 shape and nothing is stored', async () => {
    await start();
    const wrong = await refusal(
      hubspotSdk(relay.url, 'not-a-configured-token-000000').marketing.events.addEventAttendeesApi.recordByEmail('1', 'register', {
        inputs: [input('x@example.com')],
      }),
    );
    expect(wrong.code).toBe(401);
    expect(wrong.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    expect(isHubspotError(wrong.body)).toBe(true);

    const missing = await request(`${relay.url}/marketing/v3/marketing-events/1/attendance/register/email-create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [input('x@example.com')] }),
    });
    expect(missing.statusCode).toBe(401);
    const body = (await missing.body.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    expect(typeof body.correlationId).toBe('string');

    const status = await getLink(hubspotSdk(relay.url, 'not-a-configured-token-000000'), '/intake/batches/1');
    expect(status.status).toBe(401);
    expect(storedBatches(relay.dbFile)).toBe(0);
  });

  it('when the body breaks HubSpot’s schema, then the answer is HubSpot’s 400 with the field in errors[].in, and nothing is stored', async () => {
    await start();
    const api = hubspotSdk(relay.url).marketing.events.addEventAttendeesApi;
    const badTime = await refusal(
      api.recordByEmail('1', 'register', {
        inputs: [input('a@example.com'), input('b@example.com', { interactionDateTime: 'yesterday' as unknown as number })],
      }),
    );
    expect(badTime.code).toBe(400);
    expect(isHubspotError(badTime.body)).toBe(true);
    expect(badTime.body).toMatchObject({
      status: 'error',
      category: 'VALIDATION_ERROR',
      message: 'Invalid input JSON at inputs[1].interactionDateTime: must be integer',
      errors: [{ in: 'inputs[1].interactionDateTime' }],
    });
    expect(typeof badTime.body.correlationId).toBe('string');

    const notString = await refusal(
      api.recordByEmail('1', 'attend', { inputs: [input('a@example.com', { properties: { joinedAt: 5 as unknown as string } })] }),
    );
    expect(notString.body.errors).toEqual([expect.objectContaining({ in: 'inputs[0].properties.joinedAt' })]);

    const noEmail = await refusal(
      api.recordByEmail('1', 'register', { inputs: [{ ...input('a@example.com'), email: undefined as unknown as string }] }),
    );
    expect(noEmail.body.errors).toEqual([expect.objectContaining({ in: 'inputs[0].email', code: 'REQUIRED' })]);

    const notAnEmail = await refusal(api.recordByEmail('1', 'register', { inputs: [input('a@example.com'), input('no-at-sign')] }));
    expect(notAnEmail.code).toBe(400);
    expect(notAnEmail.body.errors).toEqual([
      expect.objectContaining({ in: 'inputs[1].email', subCategory: 'AttendanceValidationError.INVALID_EMAIL' }),
    ]);

    const badState = await refusal(api.recordByEmail('1', 'attended', { inputs: [input('a@example.com')] }));
    expect(badState.code).toBe(400);
    expect(badState.body.errors).toEqual([expect.objectContaining({ in: 'subscriberState' })]);

    const noAccount = await refusal(api.recordByContactEmails('ev-1', 'register', { inputs: [input('a@example.com')] }));
    expect(noAccount.code).toBe(400);
    expect(noAccount.body.errors).toEqual([expect.objectContaining({ in: 'externalAccountId' })]);

    expect(storedBatches(relay.dbFile)).toBe(0);
    expect(hubspot.requests()).toEqual([]);
  });

  it('when the same Idempotency-Key is sent twice with the same request, then one batch is stored and both answers point to it', async () => {
    await start();
    const api = hubspotSdk(relay.url).marketing.events.addEventAttendeesApi;
    const body = { inputs: [input('once@example.com')] };
    const first = await api.recordByEmailWithHttpInfo('9', 'register', body, withHeaders({ 'Idempotency-Key': 'checkin-42' }));
    const second = await api.recordByEmailWithHttpInfo('9', 'register', body, withHeaders({ 'Idempotency-Key': 'checkin-42' }));
    expect(second.data.links?.status).toBe(first.data.links?.status);
    expect(second.headers['idempotent-replayed']).toBe('true');
    // Another caller's same key is its own batch.
    const other = await hubspotSdk(relay.url, CRM_TOKEN).marketing.events.addEventAttendeesApi.recordByEmail(
      '9',
      'register',
      body,
      withHeaders({ 'Idempotency-Key': 'checkin-42' }),
    );
    expect(other.links?.status).not.toBe(first.data.links?.status);
    await waitFor(() => hubspot.attendance().length >= 1, 'the input at HubSpot');
    await untilComplete(other.links?.status as string, CRM_TOKEN);
    expect(storedBatches(relay.dbFile)).toBe(2);
  });

  it('when no intake token is configured, then the routes are off (404 ROUTE_NOT_FOUND)', async () => {
    await start({ tokens: [] });
    const off = await refusal(
      hubspotSdk(relay.url).marketing.events.addEventAttendeesApi.recordByEmail('1', 'register', { inputs: [input('a@example.com')] }),
    );
    expect(off.code).toBe(404);
    expect(off.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    const status = await request(`${relay.url}/intake/batches/1`, { headers: { authorization: `Bearer ${KIOSK_TOKEN}` } });
    expect(status.statusCode).toBe(404);
    expect(await status.body.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });

  it('when callers are refused and accepted, then no intake token appears in any log line', async () => {
    await start();
    const api = hubspotSdk(relay.url).marketing.events.addEventAttendeesApi;
    await api.recordByEmail('1', 'register', { inputs: [input('logs@example.com')] }, withHeaders({ Prefer: 'wait=5' }));
    await refusal(
      hubspotSdk(relay.url, `${KIOSK_TOKEN}x`).marketing.events.addEventAttendeesApi.recordByEmail('1', 'register', { inputs: [] }),
    );
    await refusal(api.recordByEmail('1', 'register', { inputs: [input('not-an-email')] }));
    const everything = relay.logs.map((l) => JSON.stringify(l)).join('\n');
    expect(everything).toContain('hubspot intake request refused');
    for (const secret of [KIOSK_TOKEN, CRM_TOKEN, 'not-an-email', 'logs@example.com']) expect(everything).not.toContain(secret);
  });
});

const base = postgresUrl();

describe.skipIf(!base)('HubSpot-compatible intake on PostgreSQL', () => {
  let schema: TestSchema;

  beforeEach(async () => {
    schema = await freshSchema(base as string);
  });

  afterEach(async () => {
    await relay?.close();
    await schema.drop();
  });

  it('when the store is PostgreSQL, then a batch is delivered and its status reads the same: results, errors and Prefer: wait', async () => {
    await start({ storeUrl: schema.url });
    hubspot.inject({
      kind: 'input-error',
      category: 'VALIDATION_ERROR',
      message: 'Refused `no@example.com`',
      match: { email: 'no@example.com' },
    });
    const answer = await hubspotSdk(relay.url).marketing.events.addEventAttendeesApi.recordByEmailWithHttpInfo(
      '5123456',
      'register',
      { inputs: [input('yes@example.com'), input('no@example.com')] },
      withHeaders({ Prefer: 'wait=10' }),
    );
    expect(answer.headers['preference-applied']).toBe('wait=10');
    expect(answer.data).toMatchObject({
      status: 'COMPLETE',
      results: [{ email: 'yes@example.com', vid: hubspot.attendance()[0]?.vid }],
      numErrors: 1,
    });
    expect(answer.data.errors?.[0]).toMatchObject({
      category: 'VALIDATION_ERROR',
      message: 'Refused `no@example.com`',
      context: { emails: ['no@example.com'] },
    });
    const read = await getLink(hubspotSdk(relay.url, KIOSK_TOKEN), answer.data.links?.status as string);
    expect(isBatchResponse(read.body)).toBe(true);
    expect(read.body).toMatchObject({ status: 'COMPLETE', numErrors: 1 });
    // Another token reads it as not found.
    expect((await getLink(hubspotSdk(relay.url, CRM_TOKEN), answer.data.links?.status as string)).status).toBe(404);
  });
});
