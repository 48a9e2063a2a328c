import { describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { relayProcessForTests } from '../support/relay-fixture.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';
import { RefusalLog } from '../../src/http/refusal-log.js';
import type { Log } from '../../src/support/log.js';

// Issue 12, item 9: every shed (503 OVERLOADED) or shutting-down refusal was logged at error level
// with a stack trace: a flood of requests became a flood of log lines.
const SECRET = 'amplification-zoom-secret';
const running = relayProcessForTests({ server: { maxQueuedWebhooks: 5 }, sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }] });

describe('shed refusals are counted and sampled, not logged one by one', () => {
  it('when a flood is shed with 503 OVERLOADED, then the log holds a few warnings with counts and no error or stack trace', async () => {
    const agent = new Agent({ connections: 300 });
    const statuses = await Promise.all(
      Array.from({ length: 3000 }, async (_, i) => {
        const body = JSON.stringify(registrationEvent('created', '3', { email: `flood${i}@example.com` }));
        const res = await request(`${running.relay.url}/webhooks/zoom`, {
          method: 'POST',
          headers: zoomHeaders(SECRET, body),
          body,
          dispatcher: agent,
        }).catch(() => undefined);
        await res?.body.dump();
        return res?.statusCode ?? 0;
      }),
    );
    await agent.close();
    const shed = statuses.filter((s) => s === 503).length;
    expect(shed).toBeGreaterThan(100);
    // Log lines arrive through a pipe: a last refusal, logged at info, marks the end of the flood's lines.
    await request(`${running.relay.url}/webhooks/zoom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }).then((r) => r.body.dump());
    await waitFor(
      () => running.relay.logs.some((l) => l.code === 'SIGNATURE_MISSING' || l.code === 'BODY_INVALID'),
      'the marker refusal logged',
    );

    const lines = running.relay.logs.filter((l) => JSON.stringify(l).includes('OVERLOADED'));
    expect(lines.every((l) => l.level === 40 && l.err === undefined)).toBe(true);
    expect(running.relay.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThan(10); // one per 10 s per code
    expect(lines.reduce((n, l) => n + Number(l.refused), 0)).toBeLessThanOrEqual(shed);
  }, 60_000);
});

describe('the sampler', () => {
  it('when refusals of one code keep coming, then one warning per interval carries the count since the last, per code', () => {
    let now = 0;
    const lines: Array<{ fields: Record<string, unknown>; level: string }> = [];
    const log = { warn: (fields: Record<string, unknown>) => lines.push({ fields, level: 'warn' }) } as unknown as Log;
    const refusals = new RefusalLog(10_000, () => now);
    for (let i = 0; i < 5; i++) refusals.note(log, 'OVERLOADED');
    refusals.note(log, 'SHUTTING_DOWN');
    now = 10_000;
    refusals.note(log, 'OVERLOADED');
    expect(lines.map((l) => [l.fields.code, l.fields.refused])).toEqual([
      ['OVERLOADED', 1],
      ['SHUTTING_DOWN', 1],
      ['OVERLOADED', 5],
    ]);
  });
});
