import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { relayProcessForTests } from '../support/relay-fixture.js';
import { waitFor } from '../support/wait.js';

// Issue 12, item 4: every POST /webhooks/<anything> added a permanent metric series labelled with
// the attacker's text (3,000 requests grew /metrics from 14.6 KB to 503 KB), and the refusal was
// logged with that text at info level.
const running = relayProcessForTests({ sources: [{ id: 'zoom', type: 'zoom', secretToken: 'labels-zoom-secret-0123' }] });

const metrics = async () => (await request(`${running.relay.url}/metrics`)).body.text();

describe('metric labels and logs take no text from unauthenticated requests', () => {
  it('when 300 requests name 300 made-up sources, then /metrics counts them under source="unknown", does not grow with them, and no log line holds their names', async () => {
    const before = (await metrics()).length;
    const ids = Array.from({ length: 300 }, (_, i) => `attacker-chosen-${i}-${'z'.repeat(40)}`);
    for (const id of ids) {
      const res = await request(`${running.relay.url}/webhooks/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.statusCode).toBe(404);
      expect(await res.body.json()).toEqual({ code: 'SOURCE_NOT_FOUND', message: expect.any(String) });
    }
    const after = await metrics();
    expect(after).toContain('relay_webhooks_total{source="unknown",outcome="rejected",reason="SOURCE_NOT_FOUND"} 300');
    expect(after).not.toContain('attacker-chosen');
    expect(after.length - before).toBeLessThan(2000); // one new series, not 300
    // Log lines arrive through a pipe: a known line after the requests shows the earlier ones are in.
    await request(`${running.relay.url}/webhooks/zoom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }).then((r) => r.body.dump());
    await waitFor(
      () => running.relay.logs.some((l) => l.code === 'SIGNATURE_MISSING' || l.code === 'BODY_INVALID'),
      'the refusal of the unsigned zoom webhook logged',
    );
    expect(running.relay.logs.map((l) => JSON.stringify(l)).join('\n')).not.toContain('attacker-chosen');
  });
});
