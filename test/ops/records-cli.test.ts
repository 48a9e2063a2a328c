import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { runCli, spawnRelay, writeConfig, type RelayProcess } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

const SECRET = 'cli-zoom-secret-0123';
let hubspot: HubspotSimulator;
let temp: ReturnType<typeof tempDir>;
let relay: RelayProcess | undefined;

const cli = runCli;

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
});
afterEach(async () => {
  if (relay && relay.child.exitCode === null) relay.child.kill('SIGKILL');
  await hubspot.close();
  temp.remove();
});

describe('attendance-relay records (against the store, server stopped)', () => {
  it('when the server is down, then records list shows the dead record and records replay brings it back; the next start delivers it', async () => {
    const file = writeConfig(temp.dir, {
      server: { host: '127.0.0.1', port: 0 },
      store: { url: `sqlite:${temp.dir}/relay.db` },
      hubspot: { baseUrl: hubspot.url, accessToken: 'sim-token', batchWaitMs: 10 },
      sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }],
      events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId: '77' } }],
    });
    hubspot.inject({
      kind: 'input-error',
      category: 'VALIDATION_ERROR',
      message: 'Invalid email `cli@example.com`',
      match: { email: 'cli@example.com' },
    });
    relay = await spawnRelay(['serve', '--config', file]);
    const body = JSON.stringify(registrationEvent('created', '77', { email: 'cli@example.com' }));
    await (await request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(SECRET, body), body })).body.dump();
    await waitFor(() => relay!.logs.some((l) => l.msg === 'record dead-lettered'), 'the record dead-lettered');
    relay.child.kill('SIGTERM');
    await relay.exited;

    const list = await cli(['records', 'list', '--state', 'dead', '--json', '--config', file]);
    expect(list.code).toBe(0);
    const [dead] = JSON.parse(list.stdout) as Array<{ id: number; email: string; lastError: string }>;
    expect(dead).toMatchObject({ email: 'cli@example.com', lastError: expect.stringContaining('Invalid email') });

    const replay = await cli(['records', 'replay', '--ids', String(dead?.id), '--config', file]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('replayed 1 record');
    const after = JSON.parse((await cli(['records', 'list', '--state', 'pending', '--json', '--config', file])).stdout) as unknown[];
    expect(after).toHaveLength(1);

    relay = await spawnRelay(['serve', '--config', file]);
    await waitFor(() => hubspot.attendance().some((r) => r.email === 'cli@example.com'), 'delivered after restart');
  });

  it('when records replay gets neither ids nor a state, then it says so and exits 2', async () => {
    const file = writeConfig(temp.dir, { store: { url: `sqlite:${temp.dir}/relay.db` }, hubspot: { accessToken: 'x' } });
    const result = await cli(['records', 'replay', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('needs --ids or --state');
  });
});
