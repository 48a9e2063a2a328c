import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { tito } from '../../src/sources/generic/presets/tito.js';
import { queryDb } from '../support/db.js';
import { relayConfig, writeConfig } from '../support/process.js';
import { relayProcessForTests } from '../support/relay-fixture.js';
import { waitFor } from '../support/wait.js';
import { titoRegistration } from '../sources/generic/payloads.js';
import { titoHeaders } from '../sources/generic/support.js';

// Issue 13: a parked webhook keeps the headers its source's mapping reads (Tito names the webhook
// only in X-Webhook-Name), never its signature, so a replay after a fix reads it as it arrived.
// The source is a generic one set up as the Tito preset is, but for the event id's path, which is
// wrong at first and fixed by a SIGHUP reload.
const TOKEN = 'tito-security-token-of-the-parked-headers-test';
const ADMIN_TOKEN = 'admin-token-for-the-parked-headers-tests-01';
const config = (sourceEventId: string) => ({
  admin: { token: ADMIN_TOKEN },
  sources: [
    {
      id: 'tito',
      type: 'generic',
      verify: { ...tito.verify, secret: TOKEN },
      map: { ...tito.map, sourceEventId },
    },
  ],
  events: [{ source: 'tito', sourceEventId: '*', hubspot: { objectId: '8080' } }],
});
const running = relayProcessForTests(config('event.code'));

const admin = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
  const res = await request(running.relay.url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.body.json()) as Record<string, unknown>;
};
const stored = () =>
  queryDb<{ body: string; parked_reason: string | null }>(`${running.dir}/relay.db`, 'SELECT body, parked_reason FROM inbox');

describe('a parked Tito webhook keeps the header its mapping reads', () => {
  it('when parked, fixed by a reload and replayed, then it reaches HubSpot; the stored row holds the webhook name, not the signature', async () => {
    const person = { email: 'jailyn@example.com', firstName: 'Jailyn', lastName: 'Hoeger' };
    const body = JSON.stringify(titoRegistration('caramel', person, new Date(Date.now() - 3_600_000).toISOString()));
    const res = await request(`${running.relay.url}/webhooks/tito`, {
      method: 'POST',
      headers: titoHeaders(TOKEN, body, 'registration.finished'),
      body,
    });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ received: true, parked: true });
    const [row] = stored();
    expect(row?.parked_reason).toContain('map.sourceEventId (event.code) has no value');
    expect(JSON.parse(row?.body ?? '{}')).toMatchObject({ headers: { 'x-webhook-name': 'registration.finished' }, body });
    expect(row?.body).not.toContain('tito-signature');

    writeConfig(running.dir, relayConfig(running.dir, running.hubspot.url, config(tito.map.sourceEventId as unknown as string)));
    running.relay.child.kill('SIGHUP');
    await waitFor(() => running.relay.logs.find((l) => l.msg === 'configuration reloaded'), 'the reload');
    expect(await admin('POST', '/admin/webhooks/replay', { ids: 'all', state: 'parked' })).toEqual({ replayed: 1, stillParked: 0 });

    const sent = await waitFor(() => running.hubspot.attendance().find((r) => r.email === 'jailyn@example.com'), 'the register at HubSpot');
    expect(sent).toMatchObject({ state: 'register' });
    expect((await admin('GET', '/admin/webhooks?state=parked')).webhooks).toEqual([]);
  });
});
