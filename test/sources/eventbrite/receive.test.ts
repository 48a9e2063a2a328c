import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEventbriteSource } from '../../../src/sources/eventbrite/index.js';
import type { EventbriteSourceConfig } from '../../../src/sources/eventbrite/config.js';
import { apiUrlUnderBase, eventbriteActionKind, isOrderUrl } from '../../../src/sources/eventbrite/verify.js';
import type { RawWebhook } from '../../../src/sources/types.js';
import { receiveWebhook } from '../../../src/ingest/receive-webhook.js';
import { eventbriteNotice, testPing } from '../../simulators/eventbrite/notices.js';
import { refusal } from '../../support/refusal.js';

const TOKEN = 'webhook-token-0123456789abcdef';
const BASE = 'https://www.eventbriteapi.com/v3';
const FIXTURES = resolve(import.meta.dirname, '../../fixtures/eventbrite');

const config: EventbriteSourceConfig = {
  id: 'eventbrite',
  type: 'eventbrite',
  webhookToken: TOKEN,
  apiToken: 'api-token',
  apiBaseUrl: BASE,
  requestsPerHour: 2000,
  requestsPerDay: 48_000,
  requestTimeoutMs: 1000,
  eventCacheMinutes: 60,
};
const source = createEventbriteSource(config);

function fixture(name: string): string {
  return readFileSync(resolve(FIXTURES, name), 'utf8');
}

function request(body: unknown, query: Record<string, unknown> = { token: TOKEN }): RawWebhook {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return { rawBody: Buffer.from(raw), headers: { 'content-type': 'application/json' }, query, receivedAt: Date.now() };
}

describe('Eventbrite receive: the token in the delivery URL', () => {
  it('when the token matches, then a real captured order.placed notice is stored for a background fetch', () => {
    const verdict = receiveWebhook(source, request(fixture('order.placed.json')));
    expect(verdict).toMatchObject({ kind: 'store', needsDetails: true });
  });

  it('when there is no token, then 401 SIGNATURE_MISSING', () => {
    const error = refusal(() => receiveWebhook(source, request(fixture('order.placed.json'), {})));
    expect([error.code, error.statusCode]).toEqual(['SIGNATURE_MISSING', 401]);
  });

  it.each([
    ['a wrong token', { token: 'webhook-token-0123456789abcdeX' }],
    ['a prefix of the token', { token: TOKEN.slice(0, 10) }],
    ['the token and more', { token: `${TOKEN}x` }],
    ['the token twice (an array)', { token: [TOKEN, TOKEN] }],
    ['the token in another parameter', { tok: TOKEN, token: 'nope' }],
  ])('when the request carries %s, then 401 SIGNATURE_INVALID and never 410', (_what, query) => {
    const error = refusal(() => receiveWebhook(source, request(fixture('order.placed.json'), query)));
    expect([error.code, error.statusCode]).toEqual(['SIGNATURE_INVALID', 401]);
  });

  it('when the token is wrong, then the refusal never echoes it', () => {
    const error = refusal(() => receiveWebhook(source, request(fixture('order.placed.json'), { token: 'guess-guess-guess-guess' })));
    expect(error.message).not.toContain('guess-guess');
    expect(error.message).not.toContain(TOKEN);
  });
});

describe('Eventbrite receive: what each notice becomes', () => {
  it('when the dashboard sends its test ping (placeholder api_url), then 200 ignored, nothing stored or fetched', () => {
    expect(receiveWebhook(source, request(testPing()))).toEqual({
      kind: 'respond',
      statusCode: 200,
      body: { received: true, ignored: true },
    });
  });

  it('when the test ping has no token, then it is refused like any notice', () => {
    expect(refusal(() => receiveWebhook(source, request(testPing(), {}))).code).toBe('SIGNATURE_MISSING');
  });

  it.each(['order.placed', 'order.refunded', 'attendee.updated', 'attendee.checked_in', 'barcode.checked_in'])(
    'when %s arrives, then it is stored and its details are fetched in the background',
    (action) => {
      expect(receiveWebhook(source, request(eventbriteNotice(action, `${BASE}/events/1/attendees/2/`)))).toMatchObject({
        kind: 'store',
        needsDetails: true,
      });
    },
  );

  it.each(['attendee.checked_out', 'barcode.un_checked_in'])(
    'when %s arrives, then it is stored as a trace and nothing is fetched',
    (action) => {
      expect(receiveWebhook(source, request(eventbriteNotice(action, `${BASE}/events/1/attendees/2/`)))).toMatchObject({
        kind: 'store',
        needsDetails: false,
      });
    },
  );

  it.each(['event.created', 'order.updated', 'venue.updated', 'organizer.updated'])('when %s arrives, then 200 ignored', (action) => {
    expect(receiveWebhook(source, request(eventbriteNotice(action, `${BASE}/orders/1/`)))).toMatchObject({
      kind: 'respond',
      statusCode: 200,
    });
  });

  it('when two identical notices arrive, then each is stored (a later change of one attendee has the same body)', () => {
    const body = fixture('attendee.updated.json');
    const first = receiveWebhook(source, request(body));
    const second = receiveWebhook(source, request(body));
    expect(first.kind === 'store' && second.kind === 'store' && first.dedupKey !== second.dedupKey).toBe(true);
  });

  it.each([
    ['no config', { api_url: `${BASE}/orders/1/` }, 'config'],
    ['no action', { config: {}, api_url: `${BASE}/orders/1/` }, 'action'],
    ['no api_url', { config: { action: 'order.placed' } }, 'api_url'],
    ['a numeric api_url', { config: { action: 'order.placed' }, api_url: 7 }, 'api_url'],
  ])('when the notice has %s, then 400 BODY_INVALID naming the field', (_what, body, field) => {
    const error = refusal(() => receiveWebhook(source, request(body)));
    expect(error.code).toBe('BODY_INVALID');
    expect(error.message).toContain(field);
  });
});

describe('Eventbrite receive: the SSRF guard', () => {
  it.each([
    ['another host', 'https://evil.example.com/v3/orders/1/'],
    ['a host that only starts like the API', 'https://www.eventbriteapi.com.evil.example/v3/orders/1/'],
    ['plain http', 'http://www.eventbriteapi.com/v3/orders/1/'],
    ['another port', 'https://www.eventbriteapi.com:8443/v3/orders/1/'],
    ['credentials', 'https://user:pass@www.eventbriteapi.com/v3/orders/1/'],
    ['a path outside the base', 'https://www.eventbriteapi.com/v2/orders/1/'],
    ['a path that only starts like the base', 'https://www.eventbriteapi.com/v3evil/orders/1/'],
    ['the base itself', 'https://www.eventbriteapi.com/v3'],
    ['dot segments', 'https://www.eventbriteapi.com/v3/../admin/'],
    ['encoded dot segments', 'https://www.eventbriteapi.com/v3/%2e%2e/admin/'],
    ['an encoded slash', 'https://www.eventbriteapi.com/v3/orders%2f1/'],
    ['backslashes', 'https://www.eventbriteapi.com/v3\\..\\admin/'],
    ['a loopback address', 'http://127.0.0.1:8080/v3/orders/1/'],
    ['a metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['a file URL', 'file:///etc/passwd'],
    ['not a URL', 'orders/1'],
    ['the test placeholder under a real action', 'https://www.eventbriteapi.com/{api-endpoint-to-fetch-object-details}/'],
  ])('when api_url has %s, then 400 BODY_INVALID "api_url is not under apiBaseUrl"', (_what, apiUrl) => {
    const error = refusal(() => receiveWebhook(source, request(eventbriteNotice('order.placed', apiUrl))));
    expect([error.code, error.statusCode]).toEqual(['BODY_INVALID', 400]);
    expect(error.message).toContain('api_url is not under apiBaseUrl');
  });

  it('when an ignored action points elsewhere, then it is refused too (every notice but the test ping must point under apiBaseUrl)', () => {
    expect(
      refusal(() => receiveWebhook(source, request(eventbriteNotice('event.created', 'https://evil.example.com/v3/events/1/')))).code,
    ).toBe('BODY_INVALID');
  });

  it('when api_url is under the base, then the URL fetched is rebuilt from the base origin and the path only', () => {
    const base = new URL(BASE);
    expect(apiUrlUnderBase('https://www.eventbriteapi.com/v3/orders/1034608029/', base)?.href).toBe(
      'https://www.eventbriteapi.com/v3/orders/1034608029/',
    );
    expect(apiUrlUnderBase('https://WWW.EventbriteAPI.com:443/v3/orders/1/?token=x#frag', base)?.href).toBe(
      'https://www.eventbriteapi.com/v3/orders/1/',
    );
    expect(apiUrlUnderBase('http://127.0.0.1:4000/v3/events/1/attendees/2/', new URL('http://127.0.0.1:4000/v3/'))?.pathname).toBe(
      '/v3/events/1/attendees/2/',
    );
  });

  it('when the path names an order, then it is fetched with its attendees', () => {
    expect(isOrderUrl(new URL('https://www.eventbriteapi.com/v3/orders/1034608029/'))).toBe(true);
    expect(isOrderUrl(new URL('https://www.eventbriteapi.com/v3/orders/1/attendees/2/'))).toBe(false);
    expect(isOrderUrl(new URL('https://www.eventbriteapi.com/v3/events/1/attendees/2/'))).toBe(false);
  });

  it('when actions are named, then both check-in spellings map alike and unknown ones (even __proto__) are ignored', () => {
    expect(eventbriteActionKind('attendee.checked_in')).toBe(eventbriteActionKind('barcode.checked_in'));
    expect(eventbriteActionKind('attendee.checked_out')).toBe(eventbriteActionKind('barcode.un_checked_in'));
    expect(eventbriteActionKind('__proto__')).toBe('other');
    expect(eventbriteActionKind('toString')).toBe('other');
  });
});
