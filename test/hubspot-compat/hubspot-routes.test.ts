import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayError } from '../../src/http/errors.js';
import { IntakeTokens } from '../../src/hubspot-compat/token-auth.js';
import { batchIdFor } from '../../src/hubspot-compat/batch-ids.js';
import { hubspotIntakeRoutes, type HubspotIntakeOptions } from '../../src/hubspot-compat/routes.js';
import { BatchWaiters } from '../../src/hubspot-compat/waiters.js';
import type { NewWebhook, WebhookStatus } from '../../src/store/ports.js';
import { isHubspotError, KIOSK_TOKEN } from './hubspot-sdk.js';

/** The intake routes alone, on a bare Fastify with an in-memory inbox: the edges the end-to-end tests cannot reach. */
let app: FastifyInstance;
let waiters: BatchWaiters;

function fakes() {
  const rows: Array<NewWebhook & { id: number }> = [];
  const statuses = new Map<number, WebhookStatus>();
  const inbox: HubspotIntakeOptions['inbox'] = {
    accept: async (row) => {
      const existing = rows.find((r) => r.sourceId === row.sourceId && r.dedupKey === row.dedupKey);
      if (existing) return { id: existing.id, duplicate: true };
      rows.push({ ...row, id: rows.length + 1 });
      return { id: rows.length, duplicate: false };
    },
  };
  const store: HubspotIntakeOptions['store'] = { webhookStatus: async (id) => statuses.get(id) };
  return { rows, statuses, inbox, store };
}

async function build(options: Partial<HubspotIntakeOptions> & Pick<HubspotIntakeOptions, 'inbox' | 'store'>) {
  app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  waiters = new BatchWaiters({ maxWaiters: 10, maxPerCaller: 10 });
  await app.register(hubspotIntakeRoutes, { tokens: [KIOSK_TOKEN], isClosing: () => false, waiters, bodyLimit: 262_144, ...options });
  await app.ready();
  return app;
}

const auth = { authorization: `Bearer ${KIOSK_TOKEN}` };
/** The status path of row `rowId` as the kiosk token's caller sees it. */
const batchPath = (rowId: number) => `/intake/batches/${batchIdFor(new IntakeTokens([KIOSK_TOKEN]).match(KIOSK_TOKEN) ?? '', rowId)}`;
const body = { inputs: [{ email: 'A@Example.com ', interactionDateTime: 1, properties: {}, contactProperties: {}, ignored: true }] };
const post = (headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/marketing/v3/marketing-events/42/attendance/register/email-create',
    headers: { ...auth, ...headers },
    payload: body,
  });

afterEach(async () => {
  await app?.close();
});

describe('HubSpot-compatible intake routes', () => {
  it('when a request is accepted, then one row of the internal source holds the target, state and the schema’s four fields per input', async () => {
    const { rows, inbox, store } = fakes();
    await build({ inbox, store });
    const response = await post();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'PENDING', results: [], links: { status: batchPath(1) } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.sourceId).toBe('hubspot-intake');
    expect(rows[0]?.dedupKey).toMatch(/^request:/);
    expect(JSON.parse(rows[0]?.body ?? '')).toEqual({
      v: 1,
      target: { kind: 'object', objectId: '42' },
      state: 'register',
      inputs: [{ email: 'A@Example.com ', interactionDateTime: 1, properties: {}, contactProperties: {} }],
    });
    // Without an idempotency key, each call is its own batch.
    await post();
    expect(rows).toHaveLength(2);
  });

  it('when tokens are empty, then no route exists', async () => {
    const { inbox, store } = fakes();
    await build({ inbox, store, tokens: [] });
    expect((await post()).statusCode).toBe(404);
  });

  it('when the relay is closing or over capacity, then the refusal is HubSpot’s shape with Retry-After and nothing is stored', async () => {
    const { rows, inbox, store } = fakes();
    let closing = false;
    await build({
      inbox,
      store,
      isClosing: () => closing,
      shedder: {
        check: () => {
          throw new RelayError('OVERLOADED', 'The relay is saturated; retry later', { headers: { 'retry-after': '1' } });
        },
      },
    });
    const shed = await post();
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBe('1');
    expect(shed.json()).toMatchObject({ status: 'error', category: 'INTERNAL_ERROR', subCategory: 'OVERLOADED' });
    expect(isHubspotError(shed.json())).toBe(true);
    closing = true;
    const closed = await post();
    expect(closed.statusCode).toBe(503);
    expect(closed.json()).toMatchObject({ subCategory: 'SHUTTING_DOWN' });
    expect(rows).toHaveLength(0);
  });

  it('when the store cannot take the batch, then the caller gets 503 STORE_UNAVAILABLE with Retry-After', async () => {
    const { store } = fakes();
    await build({
      store,
      inbox: {
        accept: async () => {
          throw new RelayError('STORE_UNAVAILABLE', undefined, { headers: { 'retry-after': '5' } });
        },
      },
    });
    const response = await post();
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toMatchObject({ status: 'error', subCategory: 'STORE_UNAVAILABLE' });
  });

  it('when a status read fails, then GET answers 503 in HubSpot’s shape', async () => {
    const { inbox } = fakes();
    await build({
      inbox,
      store: {
        webhookStatus: async () => {
          throw new Error('worker gone');
        },
      },
    });
    const response = await app.inject({ method: 'GET', url: batchPath(1), headers: auth });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ category: 'INTERNAL_ERROR', subCategory: 'STORE_UNAVAILABLE' });
  });

  it('when the relay starts closing during Prefer: wait, then the waiting request is answered at once with the current shape', async () => {
    const { inbox, store } = fakes();
    let closing = false;
    await build({ inbox, store, isClosing: () => closing });
    const started = Date.now();
    const answer = post({ prefer: 'wait=20' });
    // What the relay does as it starts closing (the preClose hook of src/app/plugins/hubspot-compat.ts).
    setTimeout(() => {
      closing = true;
      waiters.wakeAll();
    }, 200);
    const response = await answer;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(response.headers['preference-applied']).toBe('wait=20');
    expect(response.json()).toMatchObject({ status: 'PENDING' });
  });

  it("when the stored row is another source's webhook, then GET answers 404 and shows none of its records", async () => {
    const { statuses, inbox, store } = fakes();
    statuses.set(3, { id: 3, sourceId: 'zoom', receivedAt: 0, processedAt: 1, records: [] });
    statuses.set(4, { id: 4, sourceId: 'hubspot-intake', receivedAt: 0, processedAt: 1, records: [] });
    await build({ inbox, store });
    expect((await app.inject({ method: 'GET', url: batchPath(3), headers: auth })).json()).toMatchObject({ category: 'OBJECT_NOT_FOUND' });
    expect((await app.inject({ method: 'GET', url: batchPath(4), headers: auth })).json()).toMatchObject({ status: 'COMPLETE' });
  });
});
