import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, WRITE_SCOPE, type HubspotSimulator } from '../simulators/hubspot/index.js';
import { spawnRelay, writeConfig, type RelayProcess } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { participantEvent, registrationEvent, zoomHeaders } from '../support/zoom.js';

const HUBSPOT_TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
const ZOOM_SECRET = 'zoom-secret-never-log-me-9f8e7d';
const QUERY_TOKEN = 'query-token-never-log-me-1a2b3c';
const EMAIL = 'private.person@example.com';

let hubspot: HubspotSimulator;
let temp: ReturnType<typeof tempDir>;
let relay: RelayProcess;

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ tokens: { [HUBSPOT_TOKEN]: { scopes: [WRITE_SCOPE] } } });
});

afterEach(async () => {
  if (relay.child.exitCode === null) relay.child.kill('SIGKILL');
  await hubspot.close();
  temp.remove();
});

describe('secrets never reach logs or responses', () => {
  it('when the relay works, refuses, retries and is refused by HubSpot, then no secret and no raw email appears in any log line or error body', async () => {
    const file = writeConfig(temp.dir, {
      server: { host: '127.0.0.1', port: 0 },
      store: { url: `sqlite:${temp.dir}/relay.db` },
      hubspot: { baseUrl: hubspot.url, accessToken: '${SECRET_HUBSPOT_TOKEN}', batchWaitMs: 10, authProbeIntervalMs: 200 },
      logging: { level: 'trace' },
      sources: [{ id: 'zoom', type: 'zoom', secretToken: '${SECRET_ZOOM}' }],
      events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId: '42' } }],
    });
    relay = await spawnRelay(['serve', '--config', file], { env: { SECRET_HUBSPOT_TOKEN: HUBSPOT_TOKEN, SECRET_ZOOM: ZOOM_SECRET } });
    const responses: string[] = [];
    const send = async (path: string, body: string, headers: Record<string, string>) => {
      const res = await request(relay.url + path, { method: 'POST', headers: { ...headers, authorization: `Bearer ${HUBSPOT_TOKEN}` }, body });
      responses.push(await res.body.text());
    };
    // HubSpot first fails, then answers with an error that names the email: retried, then dead-lettered.
    hubspot.inject({ kind: 'status', status: 503, count: 1 });
    hubspot.inject({ kind: 'input-error', category: 'VALIDATION_ERROR', message: `Invalid email \`${EMAIL}\``, match: { email: EMAIL } });
    const good = JSON.stringify(registrationEvent('created', '7', { email: EMAIL }));
    await send('/webhooks/zoom', good, zoomHeaders(ZOOM_SECRET, good));
    await send(`/webhooks/zoom?token=${QUERY_TOKEN}`, good, { ...zoomHeaders(ZOOM_SECRET, good), 'x-zm-signature': 'v0=bad' });
    await send('/webhooks/zoom', '{not json', zoomHeaders(ZOOM_SECRET, '{not json'));
    await send(`/webhooks/unknown?token=${QUERY_TOKEN}`, good, zoomHeaders(ZOOM_SECRET, good));
    await waitFor(() => relay.logs.some((l) => l.msg === 'record dead-lettered'), 'the registration dead-lettered');
    // Then the token is refused.
    hubspot.setTokens({});
    for (const event of [participantEvent('joined', '7', { email: EMAIL }, '2026-11-20T15:00:00Z'), participantEvent('left', '7', { email: EMAIL }, '2026-11-20T15:30:00Z')]) {
      const body = JSON.stringify(event);
      await send('/webhooks/zoom', body, zoomHeaders(ZOOM_SECRET, body));
    }
    await waitFor(() => relay.logs.some((l) => String(l.msg).startsWith('HubSpot refused the access token')), 'the refusal logged');
    await request(`${relay.url}/readyz`).then((r) => r.body.text()).then((t) => responses.push(t));
    relay.child.kill('SIGTERM');
    await relay.exited;

    const everything = [...relay.logs.map((l) => JSON.stringify(l)), ...relay.stderr, ...responses].join('\n');
    expect(relay.logs.length).toBeGreaterThan(10);
    for (const secret of [HUBSPOT_TOKEN, ZOOM_SECRET, QUERY_TOKEN, 'Bearer ']) expect(everything).not.toContain(secret);
    expect(everything).not.toContain(EMAIL);
    expect(everything).toContain('p***@example.com'); // the email is there, masked
  });
});
