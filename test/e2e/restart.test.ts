import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { spawnRelay, writeConfig, type RelayProcess } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

const SECRET = 'restart-test-secret';
let hubspot: HubspotSimulator;
let temp: ReturnType<typeof tempDir>;
let relay: RelayProcess | undefined;

function config(objectId = '777') {
  return writeConfig(temp.dir, {
    server: { host: '127.0.0.1', port: 0 },
    store: { url: `sqlite:${temp.dir}/relay.db` },
    hubspot: { baseUrl: hubspot.url, accessToken: 'sim-token', batchSize: 10, batchWaitMs: 20, requestTimeoutMs: 5000 },
    logging: { level: 'info' },
    sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }],
    events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId } }],
  });
}

/** Posts one registration; resolves true on 200, false on any error (e.g. the process was killed). */
async function register(url: string, email: string): Promise<boolean> {
  const body = JSON.stringify(registrationEvent('created', '4242', { email }));
  try {
    const res = await request(`${url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(SECRET, body), body });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
});

afterEach(async () => {
  if (relay && relay.child.exitCode === null) relay.child.kill('SIGKILL');
  await hubspot.close();
  temp.remove();
});

describe('restart safety', () => {
  it('when the process is killed with SIGKILL mid-stream and restarted, then every acknowledged webhook reaches HubSpot', async () => {
    // Slow answers keep batches in flight, so the kill lands while HubSpot is being called.
    hubspot.inject({ kind: 'latency', ms: 100, probability: 1 });
    const file = config();
    relay = await spawnRelay(['serve', '--config', file]);
    const emails = Array.from({ length: 300 }, (_, i) => `person${i}@example.com`);
    const acknowledged: string[] = [];
    const refused: string[] = [];
    let next = 0;
    const sender = async (url: string, list: string[], killAfter?: number) => {
      while (next < list.length) {
        const email = list[next++] as string;
        if (await register(url, email)) acknowledged.push(email);
        else refused.push(email);
        if (acknowledged.length === killAfter) relay?.child.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: 8 }, () => sender(relay!.url, emails, 150)));
    expect((await relay.exited).signal).toBe('SIGKILL');
    const deliveredBeforeRestart = new Set(hubspot.attendance().map((r) => r.email));
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    expect(acknowledged.some((e) => !deliveredBeforeRestart.has(e))).toBe(true); // the kill left acknowledged work behind

    // Like Zoom, senders retry what was refused, now against the restarted relay.
    relay = await spawnRelay(['serve', '--config', file]);
    const retried = refused.splice(0);
    next = 0;
    await Promise.all(Array.from({ length: 8 }, () => sender(relay!.url, retried)));
    expect(refused).toEqual([]);
    const delivered = await waitFor(
      () => {
        const seen = new Set(hubspot.attendance().map((r) => r.email));
        return emails.every((e) => seen.has(e)) ? seen : undefined;
      },
      'every acknowledged webhook at HubSpot',
      20_000,
    );
    expect(emails.filter((e) => !delivered.has(e))).toEqual([]);
    expect(hubspot.stats().duplicateEmailRequests).toBe(0);
  });
});

describe('a restart with a changed configuration', () => {
  it('when the mapping changes while records are pending, then they keep the HubSpot event they were made for and new ones take the new mapping', async () => {
    hubspot.inject({ kind: 'status', status: 503, probability: 1 }); // nothing gets through: records stay pending
    relay = await spawnRelay(['serve', '--config', config('777')]);
    expect(await register(relay.url, 'before@example.com')).toBe(true);
    await waitFor(() => hubspot.requests().length > 0, 'a refused try');
    relay.child.kill('SIGTERM');
    await relay.exited;

    hubspot.clearFaults();
    relay = await spawnRelay(['serve', '--config', config('888')]);
    expect(await register(relay.url, 'after@example.com')).toBe(true);
    await waitFor(() => hubspot.attendance().length === 2, 'both registrations at HubSpot', 30_000);
    expect(
      hubspot
        .attendance()
        .map((r) => [r.email, r.eventKey])
        .sort(),
    ).toEqual([
      ['after@example.com', 'object:888'],
      ['before@example.com', 'object:777'],
    ]);
  }, 45_000);
});

describe('graceful shutdown', () => {
  it('when SIGTERM arrives during a HubSpot call, then /readyz turns 503, the call finishes and the process exits 0', async () => {
    const file = writeConfig(temp.dir, {
      server: { host: '127.0.0.1', port: 0, drainDelayMs: 600, shutdownGraceMs: 5000 },
      store: { url: `sqlite:${temp.dir}/relay.db` },
      hubspot: { baseUrl: hubspot.url, accessToken: 'sim-token', batchWaitMs: 0 },
      sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }],
      events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId: '777' } }],
    });
    hubspot.inject({ kind: 'latency', ms: 1500 });
    relay = await spawnRelay(['serve', '--config', file]);
    expect(await register(relay.url, 'drain@example.com')).toBe(true);
    await waitFor(() => hubspot.attendance().length === 1, 'the call to reach HubSpot');

    relay.child.kill('SIGTERM');
    const readiness = await waitFor(async () => {
      const res = await request(`${relay!.url}/readyz`);
      const body = (await res.body.json()) as { status: string };
      return res.statusCode === 503 ? body : undefined;
    }, '/readyz to answer 503');
    expect(readiness.status).toBe('draining');

    expect(await relay.exited).toEqual({ code: 0, signal: null });
    const call = relay.logs.find((l) => l.msg === 'hubspot attendance call');
    expect(call).toMatchObject({ outcome: 'ok', httpStatus: 200, inputs: 1 });
    // Delivered and recorded before exit: a restart sends nothing again. A registration after the
    // restart is the signal that the new process has looked at its queue (a resend would come first or with it).
    const before = hubspot.requests().length;
    relay = await spawnRelay(['serve', '--config', file]);
    hubspot.clearFaults();
    expect(await register(relay.url, 'after-restart@example.com')).toBe(true);
    await waitFor(() => hubspot.attendance().some((r) => r.email === 'after-restart@example.com'), 'the registration after the restart');
    const resent = hubspot
      .requests()
      .slice(before)
      .filter((r) => JSON.stringify(r.body).includes('drain@example.com'));
    expect(resent).toEqual([]);
  });

  it('when a second SIGTERM arrives while the relay drains, then it says so and exits 1 at once', async () => {
    const file = writeConfig(temp.dir, {
      server: { host: '127.0.0.1', port: 0, drainDelayMs: 60_000 },
      store: { url: `sqlite:${temp.dir}/relay.db` },
      hubspot: { baseUrl: hubspot.url, accessToken: 'sim-token' },
      sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }],
    });
    relay = await spawnRelay(['serve', '--config', file]);
    relay.child.kill('SIGTERM');
    await waitFor(
      () => relay!.logs.some((l) => l.msg === 'draining: no new webhooks, finishing the HubSpot call in flight'),
      'the draining line',
    );
    relay.child.kill('SIGTERM');
    expect(await relay.exited).toEqual({ code: 1, signal: null });
    expect(relay.logs.find((l) => l.msg === 'second signal: exiting now')).toMatchObject({ signal: 'SIGTERM' });
  });
});
