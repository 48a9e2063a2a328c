import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { queryDb } from '../support/db.js';
import { startRelay, type TestRelay } from '../support/relay.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

const SECRET_A = 'secret-of-source-a';
const SECRET_B = 'secret-of-source-b';
let hubspot: HubspotSimulator;
let relay: TestRelay;
let temp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
  relay = await startRelay({
    dir: temp.dir,
    hubspotUrl: hubspot.url,
    config: {
      sources: [
        { id: 'zoom-a', type: 'zoom', secretToken: SECRET_A },
        { id: 'zoom-b', type: 'zoom', secretToken: SECRET_B },
      ],
      events: [
        { source: 'zoom-a', sourceEventId: '*', hubspot: { objectId: '1' } },
        { source: 'zoom-b', sourceEventId: '*', hubspot: { objectId: '2' } },
      ],
    },
  });
});

afterAll(async () => {
  await relay.close();
  await hubspot.close();
  temp.remove();
});

const stored = () => queryDb<{ n: number }>(relay.dbFile, 'SELECT COUNT(*) AS n FROM inbox')[0]?.n ?? 0;
const now = () => Math.floor(Date.now() / 1000);

async function post(source: string, body: string, headers: Record<string, string>) {
  const res = await request(`${relay.url}/webhooks/${source}`, { method: 'POST', headers, body });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

const body = (email: string) => JSON.stringify(registrationEvent('created', '123', { email }));

describe('signatures: nothing else gets in', () => {
  it.each([
    ['missing', (_b: string) => ({ 'content-type': 'application/json' }), 'SIGNATURE_MISSING'],
    ['wrong', (b: string) => ({ ...zoomHeaders(SECRET_A, b), 'x-zm-signature': 'v0=' + '0'.repeat(64) }), 'SIGNATURE_INVALID'],
    ['made with a wrong secret', (b: string) => zoomHeaders('not-the-secret', b), 'SIGNATURE_INVALID'],
    ["made with the other source's secret", (b: string) => zoomHeaders(SECRET_B, b), 'SIGNATURE_INVALID'],
    ['stale (2 h old)', (b: string) => zoomHeaders(SECRET_A, b, now() - 7200), 'TIMESTAMP_OUT_OF_RANGE'],
    ['from the future (2 h ahead)', (b: string) => zoomHeaders(SECRET_A, b, now() + 7200), 'TIMESTAMP_OUT_OF_RANGE'],
  ])('when the signature is %s, then 401 and nothing is stored', async (_name, headersFor, code) => {
    const before = stored();
    const b = body('intruder@example.com');
    const res = await post('zoom-a', b, headersFor(b));
    expect(res).toEqual({ status: 401, body: { code, message: expect.any(String) } });
    expect(stored()).toBe(before);
  });

  it('when the body is changed by one byte after signing, then 401', async () => {
    const b = body('one-byte@example.com');
    const headers = zoomHeaders(SECRET_A, b);
    const res = await post('zoom-a', b.replace('one-byte', 'one-bytf'), headers);
    expect(res.status).toBe(401);
  });

  it('when endpoint.url_validation is unsigned or signed for another source, then 401 and no encrypted token', async () => {
    const challenge = JSON.stringify({ event: 'endpoint.url_validation', event_ts: Date.now(), payload: { plainToken: 'abc123' } });
    for (const headers of [{ 'content-type': 'application/json' }, zoomHeaders(SECRET_B, challenge)]) {
      const res = await post('zoom-a', challenge, headers);
      expect(res.status).toBe(401);
      expect(res.body.encryptedToken).toBeUndefined();
    }
  });

  it('when a valid request is replayed, then it is a duplicate and HubSpot gets it once', async () => {
    const b = body('replayed@example.com');
    const headers = zoomHeaders(SECRET_A, b);
    expect((await post('zoom-a', b, headers)).body.duplicate).toBe(false);
    expect((await post('zoom-a', b, headers)).body).toMatchObject({ received: true, duplicate: true });
    await waitFor(() => hubspot.attendance().some((r) => r.email === 'replayed@example.com'), 'the registration at HubSpot');
    // A later webhook through the same pipeline: once it has reached HubSpot, a second copy would have too.
    const later = body('after-the-replay@example.com');
    expect((await post('zoom-a', later, zoomHeaders(SECRET_A, later))).status).toBe(200);
    await waitFor(() => hubspot.attendance().some((r) => r.email === 'after-the-replay@example.com'), 'the later registration at HubSpot');
    expect(hubspot.attendance().filter((r) => r.email === 'replayed@example.com')).toHaveLength(1);
    expect(hubspot.requests().filter((r) => JSON.stringify(r.body).includes('replayed@example.com'))).toHaveLength(1);
  });
});
