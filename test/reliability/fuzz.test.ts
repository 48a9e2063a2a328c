import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { queryDb } from '../support/db.js';
import { startRelay, ZOOM_SECRET, type TestRelay } from '../support/relay.js';
import { testSeed } from '../support/seed.js';
import { tempDir } from '../support/temp.js';
import { zoomHeaders } from '../support/zoom.js';
import { zoomSignature } from '../../src/sources/zoom/verify.js';

let hubspot: HubspotSimulator;
let relay: TestRelay;
let temp: ReturnType<typeof tempDir>;
const rejections: unknown[] = [];
/** fast-check's seed: printed, and repeatable with TEST_SEED. */
const seed = testSeed('fuzz');
const onRejection = (reason: unknown) => rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
  relay = await startRelay({
    dir: temp.dir,
    hubspotUrl: hubspot.url,
    config: {
      logging: { level: 'silent' },
      server: { host: '127.0.0.1', port: 0, bodyLimitBytes: 65_536 },
      intake: { tokens: ['fuzz-intake-token-0123456789'] },
      sources: [
        { id: 'zoom', type: 'zoom', secretToken: ZOOM_SECRET },
        {
          id: 'eventbrite',
          type: 'eventbrite',
          webhookToken: 'fuzz-eventbrite-token-0123',
          apiToken: 'x',
          apiBaseUrl: 'http://127.0.0.1:9/v3',
        },
        {
          id: 'kiosk',
          type: 'generic',
          verify: { scheme: 'bearer', token: 'fuzz-kiosk-token-0123456789' },
          map: { eventType: 'type', states: { in: 'attend' }, email: 'email', sourceEventId: 'event' },
        },
        { id: 'tito', type: 'tito', secret: 'fuzz-tito-secret-0123456789' },
      ],
    },
  });
});

afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await relay.close();
  await hubspot.close();
  temp.remove();
});

const stored = () => queryDb<{ n: number }>(relay.dbFile, 'SELECT COUNT(*) AS n FROM inbox')[0]?.n ?? 0;

/** Any JSON, including deep nesting, long strings and big arrays. */
const anyJson = fc.oneof(
  fc.json({ depthSize: 'large' }),
  fc.integer({ min: 1, max: 3000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc
    .integer({ min: 1, max: 200_000 })
    .map((n) => JSON.stringify({ event: 'webinar.registration_created', event_ts: 1, payload: { s: 'x'.repeat(n) } })),
  fc.array(fc.integer(), { maxLength: 20_000 }).map((a) => JSON.stringify(a)),
);
/** Bytes that are often not even UTF-8. */
const anyBytes = fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b));
const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
);

async function send(path: string, body: Buffer | string, headers: string[]): Promise<number> {
  const res = await request(relay.url + path, { method: 'POST', headers, body });
  const text = await res.body.text();
  if (res.statusCode >= 400) {
    const parsed = JSON.parse(text) as { code?: unknown; category?: unknown; message?: unknown };
    // The relay's own routes answer {code, message}; its HubSpot-compatible routes answer HubSpot's {category, message}.
    expect(typeof (path.startsWith('/marketing/') ? parsed.category : parsed.code)).toBe('string');
    expect(typeof parsed.message).toBe('string');
    expect(text).not.toMatch(/\bat .+\(.+:\d+:\d+\)/); // no stack trace
  }
  return res.statusCode;
}

describe('bad input: property-based fuzzing of the webhook routes', () => {
  it('when bodies and headers are arbitrary and unsigned, then no 5xx, a JSON error with a code, and nothing stored', async () => {
    const before = stored();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          anyJson.map((s) => Buffer.from(s)),
          anyBytes,
        ),
        contentTypes,
        // Every source route, unsigned or with a wrong credential, and HubSpot's intake route.
        fc.constantFrom(
          '/webhooks/zoom',
          '/webhooks/unknown',
          '/webhooks/',
          '/webhooks/zoom?token=x',
          '/webhooks/eventbrite',
          '/webhooks/eventbrite?token=wrong-token-wrong',
          '/webhooks/kiosk',
          '/webhooks/tito',
          '/marketing/v3/marketing-events/1/attendance/register/email-create',
          '/marketing/v3/marketing-events/attendance/ev/attend/email-create?externalAccountId=a',
        ),
        fc.array(
          fc.tuple(fc.constantFrom('x-zm-signature', 'x-zm-request-timestamp', 'content-type', 'x-other'), fc.string({ maxLength: 80 })),
          { maxLength: 6 },
        ),
        async (body, contentType, path, extra) => {
          const headers = ['content-type', contentType, ...extra.flat().map((v) => v.replace(/[\r\n\0]/g, ''))];
          const status = await send(path, body, headers);
          expect(status).toBeGreaterThanOrEqual(400);
          expect(status).toBeLessThan(500);
        },
      ),
      { numRuns: 300, seed },
    );
    expect(stored()).toBe(before);
    expect(rejections).toEqual([]);
  }, 60_000);

  it('when arbitrary bodies are correctly signed, then the answer is 200 or a 4xx, and only a 200 stores (at most one row)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyJson, fc.string({ maxLength: 2000 })), fc.boolean(), async (body, duplicateSignature) => {
        const before = stored();
        const headers = Object.entries(zoomHeaders(ZOOM_SECRET, body)).flat();
        if (duplicateSignature) headers.push('x-zm-signature', zoomSignature(ZOOM_SECRET, '1', body));
        const status = await send('/webhooks/zoom', body, headers);
        expect([200, 400, 401, 413]).toContain(status);
        if (duplicateSignature) expect(status === 401 || status === 413 || status === 400).toBe(true);
        expect(stored() - before).toBeLessThanOrEqual(status === 200 ? 1 : 0);
      }),
      { numRuns: 300, seed },
    );
    expect(rejections).toEqual([]);
  }, 60_000);
});
