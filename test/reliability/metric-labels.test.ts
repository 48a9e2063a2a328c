import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../simulators/hubspot/index.js';
import { spawnRelay, writeConfig, type RelayProcess } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';

// Issue 12, item 4: every POST /webhooks/<anything> added a permanent metric series labelled with
// the attacker's text (3,000 requests grew /metrics from 14.6 KB to 503 KB), and the refusal was
// logged with that text at info level.
let hubspot: HubspotSimulator;
let temp: ReturnType<typeof tempDir>;
let relay: RelayProcess;

beforeAll(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator();
  const file = writeConfig(temp.dir, {
    server: { host: '127.0.0.1', port: 0 },
    store: { url: `sqlite:${temp.dir}/relay.db` },
    hubspot: { baseUrl: hubspot.url, accessToken: 'sim-token' },
    logging: { level: 'info' },
    sources: [{ id: 'zoom', type: 'zoom', secretToken: 'labels-zoom-secret-0123' }],
  });
  relay = await spawnRelay(['serve', '--config', file]);
});

afterAll(async () => {
  if (relay.child.exitCode === null) relay.child.kill('SIGKILL');
  await hubspot.close();
  temp.remove();
});

const metrics = async () => (await request(`${relay.url}/metrics`)).body.text();

describe('metric labels and logs take no text from unauthenticated requests', () => {
  it('when 300 requests name 300 made-up sources, then /metrics counts them under source="unknown", does not grow with them, and no log line holds their names', async () => {
    const before = (await metrics()).length;
    const ids = Array.from({ length: 300 }, (_, i) => `attacker-chosen-${i}-${'z'.repeat(40)}`);
    for (const id of ids) {
      const res = await request(`${relay.url}/webhooks/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.statusCode).toBe(404);
      expect(await res.body.json()).toEqual({ code: 'SOURCE_NOT_FOUND', message: expect.any(String) });
    }
    const after = await metrics();
    expect(after).toContain('relay_webhooks_total{source="unknown",outcome="rejected",reason="SOURCE_NOT_FOUND"} 300');
    expect(after).not.toContain('attacker-chosen');
    expect(after.length - before).toBeLessThan(2000); // one new series, not 300
    // Log lines arrive through a pipe: a known line after the requests shows the earlier ones are in.
    await request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.body.dump());
    await waitFor(() => relay.logs.some((l) => l.code === 'SIGNATURE_MISSING' || l.code === 'BODY_INVALID'), 'the refusal of the unsigned zoom webhook logged');
    expect(relay.logs.map((l) => JSON.stringify(l)).join('\n')).not.toContain('attacker-chosen');
  });
});
