import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { queryDb } from '../support/db.js';
import { relayProcessForTests } from '../support/relay-fixture.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

// Issue 12, item 5: bodies were read, decoded, parsed and schema-checked before the signature was
// verified, even for unknown source ids; ten 1 MiB deeply nested bodies to /webhooks/nope made the
// load shedder answer correctly signed Zoom webhooks with 503.
const SECRET = 'unauthenticated-zoom-secret';
const running = relayProcessForTests(
  { sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }] },
  { env: { NODE_OPTIONS: '--max-old-space-size=128 --max-semi-space-size=2' } },
);

const stored = () => queryDb<{ n: number }>(`${running.dir}/relay.db`, 'SELECT COUNT(*) AS n FROM inbox')[0]?.n ?? 0;

async function post(path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await request(running.relay.url + path, { method: 'POST', headers, body });
  return { status: res.statusCode, body: (await res.body.json()) as { code?: string; message?: string; duplicate?: boolean } };
}

/** Sends only the request head of a POST announcing `length` bytes, and resolves with what the relay answers. */
function headOnly(path: string, length: number): Promise<string> {
  const { port } = new URL(running.relay.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.write(`POST ${path} HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`);
  });
}

describe('verification comes first; refused requests cost little', () => {
  it('when an unknown source id announces a 1 MiB body and sends none, then 404 SOURCE_NOT_FOUND comes at once and the connection is closed', async () => {
    const answer = await headOnly('/webhooks/nope', 1_048_576);
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer).toContain('SOURCE_NOT_FOUND');
    expect(answer.toLowerCase()).toContain('connection: close');
  });

  it('when an unsigned body is not JSON, then 401: the signature is checked before anything is parsed', async () => {
    expect(await post('/webhooks/zoom', '{"event": "webinar.')).toMatchObject({ status: 401, body: { code: 'SIGNATURE_MISSING' } });
    const signed = '{"event": "webinar.';
    expect(await post('/webhooks/zoom', signed, zoomHeaders(SECRET, signed))).toMatchObject({
      status: 400,
      body: { code: 'BODY_NOT_JSON' },
    });
  });

  it('when a correctly signed body nests deeper than 32 levels, then 400 BODY_INVALID and nothing is stored', async () => {
    const deep = `{"event":"recording.completed","event_ts":1,"payload":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`;
    const before = stored();
    expect(await post('/webhooks/zoom', deep, zoomHeaders(SECRET, deep))).toMatchObject({ status: 400, body: { code: 'BODY_INVALID' } });
    expect(stored()).toBe(before);
  });

  it('when a signed body is larger than the source body limit (64 KiB by default), then 413 before it is read', async () => {
    const event = registrationEvent('created', '1', { email: 'big@example.com' });
    const big = JSON.stringify({ ...event, payload: { ...event.payload, padding: 'x'.repeat(100_000) } });
    expect(await post('/webhooks/zoom', big, zoomHeaders(SECRET, big))).toMatchObject({ status: 413, body: { code: 'BODY_TOO_LARGE' } });
  });

  it('when 1 MiB deeply nested bodies flood /webhooks/nope and large unsigned ones /webhooks/zoom, then every correctly signed webhook sent meanwhile is stored (200)', async () => {
    const agent = new Agent({ connections: 64 });
    const nested = '['.repeat(524_000) + ']'.repeat(524_000);
    const unsigned = JSON.stringify({ event: 'x', pad: 'y'.repeat(60_000) });
    const attack = Array.from(
      { length: 30 },
      (_, i) =>
        request(`${running.relay.url}${i % 2 === 0 ? '/webhooks/nope' : '/webhooks/zoom'}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: i % 2 === 0 ? nested : unsigned,
          dispatcher: agent,
        })
          .then(async (res) => (await res.body.dump(), res.statusCode))
          .catch(() => 0), // the relay may close a connection whose body it will not read
    );
    const good = Array.from({ length: 40 }, async (_, i) => {
      const body = JSON.stringify(registrationEvent('created', '1', { email: `good${i}@example.com` }));
      const res = await request(`${running.relay.url}/webhooks/zoom`, {
        method: 'POST',
        headers: zoomHeaders(SECRET, body),
        body,
        dispatcher: agent,
      });
      await res.body.dump();
      return res.statusCode;
    });
    const [attacked, answered] = await Promise.all([Promise.all(attack), Promise.all(good)]);
    await agent.close();
    expect(answered).toEqual(Array(40).fill(200));
    expect(attacked.every((status) => status === 0 || status === 401 || status === 404)).toBe(true);
    expect(running.relay.child.exitCode).toBeNull();
  });
});

describe('body limits are per source', () => {
  const big = relayProcessForTests({ sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET, bodyLimitBytes: 200_000 }] });

  it('when a source sets bodyLimitBytes, then its webhooks may be that large', async () => {
    const event = registrationEvent('created', '1', { email: 'big@example.com' });
    const body = JSON.stringify({ ...event, payload: { ...event.payload, padding: 'x'.repeat(100_000) } });
    const res = await request(`${big.relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(SECRET, body), body });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  });
});
