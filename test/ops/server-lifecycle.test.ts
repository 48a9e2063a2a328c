import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { startRelay } from '../support/relay.js';
import { tempDir } from '../support/temp.js';

let hubspot: HubspotSimulator;
let temp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
});

afterAll(async () => {
  await hubspot.close();
  temp.remove();
});

/** Opens a socket, sends part of a request's headers, and resolves with what the server wrote before it closed the socket. */
function trickleHeaders(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.write('POST /webhooks/zoom HTTP/1.1\r\nHost: relay\r\n'));
    socket.on('data', (chunk) => (answer += String(chunk)));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

describe('the server and its plugins', () => {
  it('when server timeouts are configured, then the HTTP server uses them and cuts off a client that never finishes its headers', async () => {
    const server = { headersTimeoutMs: 1000, requestTimeoutMs: 1500, connectionsCheckingIntervalMs: 100 };
    const relay = await startRelay({
      dir: temp.dir,
      hubspotUrl: hubspot.url,
      config: { server: { port: 0, host: '127.0.0.1', ...server } },
    });
    try {
      expect(relay.app.server).toMatchObject({ headersTimeout: 1000, requestTimeout: 1500 });
      const port = Number(new URL(relay.url).port);
      expect(await trickleHeaders(port)).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await relay.close();
    }
  });

  it('when the relay is built, then its plugins are registered in the order a webhook passes through them', async () => {
    const relay = await startRelay({ dir: temp.dir, hubspotUrl: hubspot.url });
    try {
      const tree = relay.app.printPlugins();
      const order = ['store', 'processing', 'delivery', 'retention', 'ingest', 'hubspot-compat', 'ops'].map((name) =>
        tree.indexOf(`${name} `),
      );
      expect(order.every((at) => at >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    } finally {
      await relay.close();
    }
  });

  it('when the relay closes, then the server stops listening and the store worker is gone, so nothing keeps running', async () => {
    const relay = await startRelay({ dir: temp.dir, hubspotUrl: hubspot.url });
    const { app } = relay;
    await relay.close();
    expect(app.server.listening).toBe(false);
    await expect(app.store.ping()).rejects.toThrow(/store worker stopped/);
    expect(app.storeFailure()).toBeUndefined(); // stopped when asked, not crashed
    expect(relay.logs.filter((line) => Number(line.level) >= 50)).toEqual([]);
  });
});
