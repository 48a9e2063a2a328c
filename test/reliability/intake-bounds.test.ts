import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { storedBatches } from '../hubspot-compat/hubspot-sdk.js';
import { relayProcessForTests } from '../support/relay-fixture.js';

// Issue 12, item 1: one intake request (1 MiB of empty inputs) made ajv collect ~1.4 million errors
// and the process die with "JavaScript heap out of memory". The relay runs here with the heap flags
// of the Dockerfile and `npm start`.
const TOKEN = 'bounds-intake-token-0123456789';
const HEAP_FLAGS = '--max-old-space-size=128 --max-semi-space-size=2';
const PATH = '/marketing/v3/marketing-events/1/attendance/register/email-create';

const running = relayProcessForTests(
  { intake: { tokens: [TOKEN] }, sources: [{ id: 'zoom', type: 'zoom', secretToken: 'bounds-zoom-secret-0123' }] },
  { env: { NODE_OPTIONS: HEAP_FLAGS } },
);

async function post(body: string) {
  const res = await request(running.relay.url + PATH, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body,
  });
  return { status: res.statusCode, body: (await res.body.json()) as { category?: string; errors?: Array<{ in: string; code: string }> } };
}

/** `{"inputs":[{},{},…]}` of about `bytes` bytes. */
const emptyInputs = (bytes: number) => `{"inputs":[${Array.from({ length: Math.floor(bytes / 3) }, () => '{}').join(',')}]}`;

async function alive(): Promise<boolean> {
  const res = await request(`${running.relay.url}/healthz`);
  await res.body.dump();
  return res.statusCode === 200 && running.relay.child.exitCode === null;
}

describe('intake bounds: one request cannot take the relay down', () => {
  it('when 1 MiB of empty inputs (~346,000) is posted with a valid token, then it is refused (413: over the intake body limit) and the relay still answers', async () => {
    const res = await post(emptyInputs(1_040_000)); // just under server.bodyLimitBytes (1 MiB), as in the issue
    expect([400, 413]).toContain(res.status);
    expect(res.body.category).toBe('VALIDATION_ERROR');
    expect(await alive()).toBe(true);
  });

  it('when just under the limit of empty inputs is posted (~85,000), then 400 names the input count, with a handful of errors, and the relay still answers', async () => {
    const res = await post(emptyInputs(250_000));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ in: 'inputs', code: 'TOO_MANY' })]);
    expect(await alive()).toBe(true);
  });

  it('when 200 inputs each miss every field, then the errors name the first problem of each, at most 20', async () => {
    const res = await post(JSON.stringify({ inputs: Array.from({ length: 200 }, () => ({})) }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(20);
    expect(res.body.errors?.map((e) => e.in).slice(0, 2)).toEqual(['inputs[0].contactProperties', 'inputs[1].contactProperties']);
  });

  it('when a string is longer than its bound (an email over 254 characters, a property value over 65,536), then 400 TOO_LONG names it and nothing is stored', async () => {
    const input = { email: 'a@example.com', interactionDateTime: 1, properties: {}, contactProperties: {} };
    const longEmail = await post(JSON.stringify({ inputs: [{ ...input, email: `${'a'.repeat(250)}@example.com` }] }));
    expect(longEmail.status).toBe(400);
    expect(longEmail.body.errors).toEqual([expect.objectContaining({ in: 'inputs[0].email', code: 'TOO_LONG' })]);
    const longValue = await post(JSON.stringify({ inputs: [{ ...input, contactProperties: { company: 'x'.repeat(65_537) } }] }));
    expect(longValue.body.errors).toEqual([expect.objectContaining({ in: 'inputs[0].contactProperties.company', code: 'TOO_LONG' })]);
    expect(storedBatches(`${running.dir}/relay.db`)).toBe(0);
    expect(await alive()).toBe(true);
  });
});
