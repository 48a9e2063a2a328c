import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { queryDb } from '../support/db.js';
import { freePort } from '../support/ports.js';
import { spawnRelay, writeConfig, type RelayProcess } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

const SECRET = 'overload-zoom-secret';
let hubspot: HubspotSimulator;
let temp: ReturnType<typeof tempDir>;
let relay: RelayProcess;
let port: number;

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
  port = await freePort();
  const file = writeConfig(temp.dir, {
    server: { host: '127.0.0.1', port, maxQueuedWebhooks: 25 },
    store: { url: `sqlite:${temp.dir}/relay.db` },
    hubspot: { baseUrl: hubspot.url, accessToken: 'sim-token' },
    logging: { level: 'warn' },
    sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }],
  });
  relay = await spawnRelay(['serve', '--config', file], { port });
});

afterEach(async () => {
  relay.child.kill('SIGKILL');
  await relay.exited;
  await hubspot.close();
  temp.remove();
});

async function healthy(): Promise<boolean> {
  const res = await request(`${relay.url}/healthz`, { headersTimeout: 5000, bodyTimeout: 5000 });
  return res.statusCode === 200 && ((await res.body.json()) as { status: string }).status === 'ok';
}

describe('slow senders and floods', () => {
  it('when 300 slowloris clients trickle their headers, then /healthz still answers and the server cuts them off', async () => {
    const sockets: Socket[] = [];
    let closedByServer = 0;
    for (let i = 0; i < 300; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => closedByServer++);
      socket.write('POST /webhooks/zoom HTTP/1.1\r\nHost: relay\r\n');
      sockets.push(socket);
    }
    const trickle = setInterval(() => sockets.forEach((s) => s.writable && s.write('X-Slow: 1\r\n')), 1000);
    try {
      expect(await healthy()).toBe(true);
      // headersTimeout is 10 s: by 14 s every trickling socket has been closed by the relay.
      await new Promise((r) => setTimeout(r, 14_000));
      expect(closedByServer).toBe(300);
      expect(await healthy()).toBe(true);
    } finally {
      clearInterval(trickle);
      sockets.forEach((s) => s.destroy());
    }
  }, 30_000);

  it('when a burst far over capacity arrives, then the relay sheds load with 503 + Retry-After and every 200 was stored', async () => {
    const agent = new Agent({ connections: 400, pipelining: 1 });
    const bodies = Array.from({ length: 4000 }, (_, i) =>
      JSON.stringify(registrationEvent('created', '99', { email: `flood${i}@example.com` })),
    );
    const healthDuringFlood = healthy();
    const answers = await Promise.all(
      bodies.map(async (body) => {
        try {
          const res = await request(`${relay.url}/webhooks/zoom`, {
            method: 'POST',
            headers: zoomHeaders(SECRET, body),
            body,
            dispatcher: agent,
          });
          const json = (await res.body.json()) as { code?: string };
          return { status: res.statusCode, code: json.code, retryAfter: res.headers['retry-after'] };
        } catch {
          return { status: 0 };
        }
      }),
    );
    await agent.close();
    expect(await healthDuringFlood).toBe(true);
    const ok = answers.filter((a) => a.status === 200).length;
    const shed = answers.filter((a) => a.status === 503);
    console.log(
      `flood figures: ${bodies.length} webhooks, ${ok} accepted, ${shed.length} shed with 503, ${answers.filter((a) => a.status === 0).length} connection errors`,
    );
    expect(shed.length).toBeGreaterThan(0);
    expect(shed.every((a) => 'code' in a && a.code === 'OVERLOADED' && a.retryAfter === '1')).toBe(true);
    expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
    const stored = queryDb<{ n: number }>(`${temp.dir}/relay.db`, 'SELECT COUNT(*) AS n FROM inbox')[0]?.n;
    expect(stored).toBe(ok);
  }, 60_000);
});
