import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { receiveWebhook } from '../../../src/ingest/receive-webhook.js';
import type { GenericSourceConfig } from '../../../src/sources/generic/config.js';
import { createGenericSourceFromConfig } from '../../../src/sources/generic/index.js';
import type { WebhookVerdict } from '../../../src/sources/types.js';
import { refusal } from '../../support/refusal.js';
import { standardWebhooksHeaders, webhookRequest } from './support.js';

const SECRET = 'whsec_cmVsYXktdGVzdC1zaWduaW5nLXNlY3JldC0zMi1ieXRlcyE=';

/** A generic source built from configuration exactly as the relay loads it (defaults applied). */
function source(overrides: Record<string, unknown> = {}) {
  const config = parseConfig({
    hubspot: { accessToken: 'x' },
    sources: [
      {
        id: 'checkin-app',
        type: 'generic',
        verify: { scheme: 'standard-webhooks', secret: SECRET },
        map: baseMap(),
        ...overrides,
      },
    ],
  });
  return createGenericSourceFromConfig(config.sources[0] as GenericSourceConfig);
}

const body = (type: string, data: Record<string, unknown> = {}) =>
  JSON.stringify({ type, data: { id: 'g-1', email: 'ada@example.com', event_id: 'ev-1', created_at: '2026-11-20T14:00:00Z', ...data } });
const receive = (s: ReturnType<typeof source>, text: string, headers = standardWebhooksHeaders(SECRET, text, { id: 'msg_1' })) =>
  receiveWebhook(s, webhookRequest(text, headers)) as WebhookVerdict;

describe('receiving a generic webhook', () => {
  it('when a mapped event is correctly signed, then it is stored under its webhook-id', () => {
    expect(receive(source(), body('guest.registered'))).toMatchObject({ kind: 'store', dedupKey: 'id:msg_1' });
  });

  it('when the event type is not mapped, then it is acknowledged and ignored (nothing stored), its event type named', () => {
    expect(receive(source(), body('guest.deleted'))).toEqual({
      kind: 'respond',
      statusCode: 200,
      body: { received: true, ignored: true },
      ignoredEventType: 'guest.deleted',
    });
  });

  it('when the signature is wrong, then 401 before anything is read', () => {
    const text = body('guest.registered');
    expect(refusal(() => receive(source(), text, { ...standardWebhooksHeaders(SECRET, text), 'webhook-signature': 'v1,AAAA' })).code).toBe(
      'SIGNATURE_INVALID',
    );
    expect(refusal(() => receive(source(), text, { 'content-type': 'application/json' })).code).toBe('SIGNATURE_MISSING');
    const old = standardWebhooksHeaders(SECRET, text, { timestampSeconds: Math.floor(Date.now() / 1000) - 3600 });
    expect(refusal(() => receive(source(), text, old)).code).toBe('TIMESTAMP_OUT_OF_RANGE');
  });

  it('when a mapped event cannot be read, then 400 BODY_INVALID names the source and the path', () => {
    const error = refusal(() => receive(source(), body('guest.registered', { event_id: null })));
    expect(error.code).toBe('BODY_INVALID');
    expect(error.message).toBe('generic source "checkin-app": map.sourceEventId (data.event_id) has no value, found null');
  });

  it('when a mapped event has no valid email, then it is still stored (counted and logged as skipped later)', () => {
    expect(receive(source(), body('guest.registered', { email: 'nobody' }))).toMatchObject({ kind: 'store' });
  });

  it('when the mapping names a delivery id, then it is the dedup key; without any id, the body hash is', () => {
    expect(receive(source({ map: { ...baseMap(), deliveryId: 'data.id' } }), body('guest.registered'))).toMatchObject({
      kind: 'store',
      dedupKey: 'id:g-1',
    });
    const bearer = source({ verify: { scheme: 'bearer', token: 'checkin-token-0123456789' } });
    const text = body('guest.registered');
    const hash = createHash('sha256').update(text).digest('base64url');
    expect(receive(bearer, text, { authorization: 'Bearer checkin-token-0123456789' })).toEqual({
      kind: 'store',
      dedupKey: `sha256:${hash}`,
      storedBody: text,
    });
  });

  it('when the stored body is interpreted, then it gives the same facts, and unmapped ones give none', () => {
    const s = source();
    expect(s.interpret(JSON.parse(body('guest.checked_in', { checked_in_at: '2026-11-20T15:00:00Z' })))).toEqual([
      expect.objectContaining({ kind: 'attended', sourceEventId: 'ev-1', joinedAt: Date.parse('2026-11-20T15:00:00Z') }),
    ]);
    expect(s.interpret(JSON.parse(body('guest.deleted')))).toEqual([]);
  });

  it('when defaultAttendMinutes is set, then the source says how long an attendance without an end lasts', () => {
    expect(source().defaultAttendMs).toBe(60 * 60_000);
    expect(source({ defaultAttendMinutes: 90 }).defaultAttendMs).toBe(90 * 60_000);
  });
});

describe('a mapping that reads headers', () => {
  const TOKEN = 'checkin-token-0123456789';
  const headed = () =>
    source({
      verify: { scheme: 'bearer', token: TOKEN },
      map: { ...baseMap(), eventType: 'header:X-Event' },
    });

  it('when such a webhook is received, then the verdict carries an envelope with those headers and the raw body', () => {
    const text = `{"data":{"email":"ada@example.com","event_id":"ev-1","created_at":"2026-11-20T14:00:00Z"}}`;
    const verdict = receive(headed(), text, { authorization: `Bearer ${TOKEN}`, 'x-event': 'guest.registered', 'x-other': 'not kept' });
    expect(verdict.kind).toBe('store');
    const stored = JSON.parse((verdict as { storedBody: string }).storedBody);
    expect(stored).toEqual({ $envelope: 'generic-webhook/1', headers: { 'x-event': 'guest.registered' }, body: text });
    // The dedup key covers the header: the same body under another event name is another delivery.
    expect((verdict as { dedupKey: string }).dedupKey).toBe(
      `sha256:${createHash('sha256')
        .update((verdict as { storedBody: string }).storedBody)
        .digest('base64url')}`,
    );
    expect(headed().interpret(stored)).toEqual([expect.objectContaining({ kind: 'registered', sourceEventId: 'ev-1' })]);
  });

  it('when the stored body is the bare payload (a route that ignores storedBody), then interpreting it fails loudly, never silently', () => {
    expect(() => headed().interpret({ data: { email: 'ada@example.com' } })).toThrow(
      /lacks the headers its mapping reads \(x-event\).*storedBody/,
    );
  });
});

describe('a signature over the body alone (hmac-sha256, signedPayload body): replays', () => {
  const SECRET_TEXT = 'hmac-secret-0123456789';
  const signed = (overrides: Record<string, unknown> = {}) =>
    source({
      verify: { scheme: 'hmac-sha256', secret: SECRET_TEXT, header: 'X-Signature', ...overrides },
      map: { ...baseMap(), eventType: 'header:X-Event', bodyType: 'kind' },
    });
  const sign = (text: string) => createHmac('sha256', SECRET_TEXT).update(text).digest('hex');
  const CREATED = Date.parse('2026-11-20T14:00:00Z');
  const text = JSON.stringify({ kind: 'guest', data: { email: 'ada@example.com', event_id: 'ev-1', created_at: '2026-11-20T14:00:00Z' } });
  const send = (s: ReturnType<typeof signed>, event: string, receivedAt = CREATED + 60_000, body = text) =>
    receiveWebhook(s, webhookRequest(body, { 'x-signature': sign(body), 'x-event': event }, receivedAt));

  it('when the same body comes under another event name, then it is the same delivery (the dedup key is the body alone)', () => {
    const registered = send(signed(), 'guest.registered') as { dedupKey: string };
    const cancelled = send(signed(), 'guest.cancelled') as { dedupKey: string };
    expect(registered.dedupKey).toBe(`sha256:${createHash('sha256').update(text).digest('base64url')}`);
    expect(cancelled.dedupKey).toBe(registered.dedupKey);
  });

  it('when the event name does not agree with the body (map.bodyType), then 401 SIGNATURE_INVALID', () => {
    const other = JSON.stringify({
      kind: 'ticket',
      data: { email: 'ada@example.com', event_id: 'ev-1', created_at: '2026-11-20T14:00:00Z' },
    });
    expect(refusal(() => send(signed(), 'guest.registered', CREATED + 60_000, other)).code).toBe('SIGNATURE_INVALID');
    const untyped = JSON.stringify({ data: { email: 'ada@example.com', event_id: 'ev-1', created_at: '2026-11-20T14:00:00Z' } });
    expect(refusal(() => send(signed(), 'guest.registered', CREATED + 60_000, untyped)).code).toBe('SIGNATURE_INVALID');
  });

  it('when the body’s own time is older than maxBodyAgeHours (default 6), then 401 TIMESTAMP_OUT_OF_RANGE', () => {
    expect(send(signed(), 'guest.registered', CREATED + 5.9 * 3_600_000)).toMatchObject({ kind: 'store' });
    expect(refusal(() => send(signed(), 'guest.registered', CREATED + 6.1 * 3_600_000)).code).toBe('TIMESTAMP_OUT_OF_RANGE');
    expect(send(signed({ maxBodyAgeHours: 24 }), 'guest.registered', CREATED + 23 * 3_600_000)).toMatchObject({ kind: 'store' });
  });

  it('when the event type is read from a header and map.bodyType is missing, then the configuration is refused', () => {
    expect(() =>
      source({
        verify: { scheme: 'hmac-sha256', secret: SECRET_TEXT, header: 'X-Signature' },
        map: { ...baseMap(), eventType: 'header:X-Event' },
      }),
    ).toThrow(/sources\[0\]\.map\.bodyType: is required/);
  });
});

function baseMap() {
  return {
    eventType: 'type',
    states: { 'guest.registered': 'register', 'guest.checked_in': 'attend', 'guest.cancelled': 'cancel' },
    email: 'data.email',
    occurredAt: 'data.created_at',
    sourceEventId: 'data.event_id',
    joinedAt: 'data.checked_in_at',
  };
}
