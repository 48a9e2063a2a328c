import { describe, expect, it } from 'vitest';
import { Client, request } from 'undici';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { attendancePath } from '../../src/hubspot/client.js';
import { input, KIOSK_TOKEN, storedBatches } from '../hubspot-compat/hubspot-sdk.js';
import { queryDb } from '../support/db.js';
import { ZOOM_SECRET } from '../support/relay.js';
import { relayForTests } from '../support/relay-fixture.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

// Issue 12, item 12: "." and ".." as ids (event ids, objectIds) are normalised away in URLs, so a
// request built with one reaches another route of HubSpot's API.
const running = relayForTests({ intake: { tokens: [KIOSK_TOKEN] } });

/** Posts to `path` as written: a URL parser would resolve the dots before sending, a raw client does not. */
async function intake(path: string) {
  const client = new Client(running.relay.url);
  try {
    const res = await client.request({
      path,
      method: 'POST',
      headers: { authorization: `Bearer ${KIOSK_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [input('dots@example.com')] }),
    });
    return { status: res.statusCode, body: (await res.body.json()) as { category?: string; errors?: Array<{ in: string }> } };
  } finally {
    await client.close();
  }
}

describe('"." and ".." are never ids', () => {
  it.each([
    ['/marketing/v3/marketing-events/%2E%2E/attendance/register/email-create', 'objectId'],
    ['/marketing/v3/marketing-events/./attendance/register/email-create', 'objectId'],
    ['/marketing/v3/marketing-events/attendance/%2e%2e/register/email-create?externalAccountId=acct', 'externalEventId'],
  ])('when the intake is called with %s, then 400 names %s and nothing is stored', async (path, param) => {
    const res = await intake(path);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ in: param })]);
    expect(storedBatches(running.relay.dbFile)).toBe(0);
  });

  it('when a Zoom webhook names its meeting "..", then it is parked (200), never processed', async () => {
    const event = registrationEvent('created', '1', { email: 'dots@example.com' });
    const body = JSON.stringify({ ...event, payload: { ...event.payload, object: { ...event.payload.object, id: '..' } } });
    const res = await request(`${running.relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(ZOOM_SECRET, body), body });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ received: true, parked: true });
    expect(
      queryDb<{ parked: number; processed: number }>(
        running.relay.dbFile,
        "SELECT COUNT(parked_reason) AS parked, COUNT(processed_at) AS processed FROM inbox WHERE source_id = 'zoom'",
      ),
    ).toEqual([{ parked: 1, processed: 0 }]);
  });

  it('when the configuration maps to objectId ".." or a source event "..", then it is refused naming the key', () => {
    const problems = (events: unknown[]) => {
      try {
        parseConfig({ hubspot: { accessToken: 'x' }, sources: [{ id: 'zoom', type: 'zoom', secretToken: ZOOM_SECRET }], events }, {});
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems([{ source: 'zoom', sourceEventId: '1', hubspot: { objectId: '..' } }])).toEqual([
      'events[0].hubspot.objectId: must not be "." or ".." (URLs drop such path segments)',
    ]);
    expect(problems([{ source: 'zoom', sourceEventId: '*', hubspot: { externalAccountId: 'a', externalEventId: '.' } }])).toEqual([
      'events[0].hubspot.externalEventId: must not be "." or ".." (URLs drop such path segments)',
    ]);
    expect(problems([{ source: 'zoom', sourceEventId: '.', hubspot: { objectId: '5' } }])).toEqual([
      expect.stringMatching(/^events\[0\]\.sourceEventId: must not be "\." or "\.\."/),
    ]);
  });

  it('when a HubSpot path is built for such an id anyway (a record stored before), then the dots are escaped, never dropped', () => {
    expect(attendancePath({ objectId: '..' }, 'register')).toBe('/marketing/v3/marketing-events/%2E%2E/attendance/register/email-create');
    expect(attendancePath({ externalAccountId: 'a', externalEventId: '.' }, 'attend')).toBe(
      '/marketing/v3/marketing-events/attendance/%2E/attend/email-create?externalAccountId=a',
    );
  });
});
