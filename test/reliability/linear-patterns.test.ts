import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { relayProcessForTests } from '../support/relay-fixture.js';
import { staysResponsive } from '../support/responsive.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';
import { normalizeEmail } from '../../src/domain/contact.js';
import { maskEmailsIn } from '../../src/support/mask.js';

// Issue 12, item 2: the email check backtracked on a domain full of dots (`a@` + 40,000 dots + `@`
// blocked the event loop 1.8 s) and the masking of free text on a long run without "@" (1.6 s for
// 40,000 characters); both grow with the square of the length. Here the relay must keep answering
// /healthz while much longer texts go through those paths: no time is measured, the probes' wait is the limit.
const TOKEN = 'patterns-intake-token-0123456789';
const SECRET = 'patterns-zoom-secret-0123';

const running = relayProcessForTests({
  hubspot: { batchWaitMs: 10 },
  intake: { tokens: [TOKEN] },
  sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }],
  events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId: '42' } }],
});

describe('patterns run in linear time on what senders control', () => {
  it('when an intake email is "a@" + 200,000 dots + "@", then it is refused and /healthz keeps answering meanwhile', async () => {
    const email = `a@${'.'.repeat(200_000)}@`;
    let answer: { status: number; body: { errors?: Array<{ in: string }> } } | undefined;
    void request(`${running.relay.url}/marketing/v3/marketing-events/1/attendance/register/email-create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ email, interactionDateTime: 1, properties: {}, contactProperties: {} }] }),
    })
      .then(async (res) => (answer = { status: res.statusCode, body: (await res.body.json()) as never }))
      .catch(() => undefined); // a relay that never answers fails the probes below
    await staysResponsive(running.relay.url, () => answer !== undefined, 'the long email was checked');
    expect(answer?.status).toBe(400);
    expect(answer?.body.errors).toEqual([expect.objectContaining({ in: 'inputs[0].email' })]);
  });

  it('when HubSpot refuses an input with a 1 MB message without "@", then the dead-letter is logged (masked, cut) and /healthz keeps answering meanwhile', async () => {
    running.hubspot.inject({
      kind: 'input-error',
      category: 'VALIDATION_ERROR',
      message: 'x'.repeat(1_000_000),
      match: { email: 'long-message@example.com' },
    });
    const body = JSON.stringify(registrationEvent('created', '7', { email: 'long-message@example.com' }));
    const res = await request(`${running.relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(SECRET, body), body });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    const deadLettered = () => running.relay.logs.find((l) => l.msg === 'record dead-lettered');
    await staysResponsive(running.relay.url, () => deadLettered() !== undefined, 'the dead-letter of a 1 MB HubSpot message was logged');
    expect(String(deadLettered()?.error).length).toBeLessThan(3000);
  });

  it('when the bounds apply, then an email over 254 characters is no address and free text is cut to 2,000 characters, still masked', () => {
    expect(normalizeEmail(`${'a'.repeat(250)}@example.com`)).toBeUndefined();
    expect(normalizeEmail(' Ada@Example.com ')).toBe('ada@example.com');
    expect(normalizeEmail('a@b')).toBeUndefined();
    expect(maskEmailsIn(`${'y'.repeat(5000)} ada@example.com`)).toBe(`${'y'.repeat(2000)}… (3016 more characters)`);
    expect(maskEmailsIn('write to ada.lovelace@example.com or grace@navy.mil today')).toBe(
      'write to a***@example.com or g***@navy.mil today',
    );
  });
});
