import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../dev/hubspot-simulator/types.js';
import { waitFor } from '../support/wait.js';
import { participantEvent, registrationEvent } from '../support/zoom.js';
import { docker, getJson, postZoom, Resources, state, waitHealthy } from './docker.js';
import { deliveries, restart, startRelay, startSimulator, ZOOM_SECRET, type Simulator } from './stack.js';

const resources = new Resources('delivery');
afterEach(() => resources.remove());

/** A relay on a fresh volume beside a simulator, on a network of its own. */
async function stack() {
  const network = await resources.network();
  const simulator = await startSimulator(resources, network);
  const volume = await resources.volume();
  const relay = await startRelay(resources, network, ['-v', `${volume}:/data`]);
  return { simulator, relay };
}

const ready = (url: string) => waitFor(async () => (await getJson(`${url}/readyz`)).status === 200, '/readyz to answer 200', 30_000, 100);

/** Registrations for `webinars` webinars × `people` people: one HubSpot batch per webinar. */
function backlog(webinars: number, people: number): Array<{ email: string; event: unknown }> {
  return Array.from({ length: webinars * people }, (_, i) => {
    const email = `person${i}@example.com`;
    return { email, event: registrationEvent('created', String(81_000_000_000 + (i % webinars)), { email }) };
  });
}

/** Posts them four at a time; resolves with the emails of those answered 200. */
async function post(url: string, items: Array<{ email: string; event: unknown }>): Promise<string[]> {
  const queue = [...items];
  const acknowledged: string[] = [];
  const sender = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      if ((await postZoom(`${url}/webhooks/zoom`, ZOOM_SECRET, item.event)).status === 200) acknowledged.push(item.email);
    }
  };
  await Promise.all([sender(), sender(), sender(), sender()]);
  return acknowledged;
}

async function waitDelivered(simulator: Simulator, emails: string[]): Promise<string[]> {
  return waitFor(
    async () => {
      const rows = deliveries(await simulator.attendance());
      const seen = new Set(rows.map((row) => row.split(' ')[2]));
      return emails.every((email) => seen.has(email)) ? rows : undefined;
    },
    `${emails.length} acknowledged registrations at HubSpot`,
    60_000,
    200,
  );
}

const twice = (rows: string[]) => rows.filter((row, i) => rows.indexOf(row) !== i);
const inputs = (request: RecordedRequest) =>
  ((request.body as { inputs?: Array<{ email: string }> }).inputs ?? []).map(
    (input) => `${request.eventKey} ${request.state} ${input.email.toLowerCase()}`,
  );

describe('check 2: the image, run as in production', () => {
  it('when started read-only with a SQLite volume beside the HubSpot simulator, then Docker reports it healthy and signed Zoom register, join and leave webhooks reach HubSpot as register and attend', async () => {
    const { simulator, relay } = await stack();
    await waitHealthy(relay.id); // the image's own HEALTHCHECK, at its own interval
    const hook = `${relay.url}/webhooks/zoom`;
    const person = { email: 'grace.hopper@example.com', firstName: 'Grace', lastName: 'Hopper', registrantId: 'r-1' };
    expect(await postZoom(hook, ZOOM_SECRET, registrationEvent('created', '81234567890', person))).toEqual({ status: 200 });
    expect(
      await postZoom(hook, ZOOM_SECRET, participantEvent('joined', '81234567890', { registrantId: 'r-1' }, '2026-11-20T15:01:00Z')),
    ).toEqual({ status: 200 });
    expect(
      await postZoom(hook, ZOOM_SECRET, participantEvent('left', '81234567890', { registrantId: 'r-1' }, '2026-11-20T15:55:30Z')),
    ).toEqual({ status: 200 });
    expect((await postZoom(hook, 'not-the-secret', registrationEvent('created', '81234567890', person))).status).toBe(401);

    const rows = await waitFor(async () => {
      const all = await simulator.attendance();
      return all.length >= 2 ? all : undefined;
    }, 'register and attend at HubSpot');
    // Two batches (one per subscriber state), sent independently: either may arrive first.
    expect(deliveries(rows).sort()).toEqual([
      'external:demo:81234567890 attend grace.hopper@example.com',
      'external:demo:81234567890 register grace.hopper@example.com',
    ]);
    expect(rows.find((row) => row.state === 'attend')?.properties).toEqual({
      joinedAt: '2026-11-20T15:01:00.000Z',
      leftAt: '2026-11-20T15:55:30.000Z',
    });
  });
});

describe('check 3: docker stop with a backlog', () => {
  it('when stopped (SIGTERM) while batches are pending, then it exits 0 within the grace period, and started again on the same volume it delivers the rest, nothing twice', async () => {
    const { simulator, relay } = await stack();
    await ready(relay.url);
    await simulator.inject({ kind: 'latency', ms: 2000, probability: 1 }); // 8 batches, 4 calls at a time: a backlog of seconds
    const sent = backlog(8, 10);
    const acknowledged = await post(relay.url, sent);
    expect(acknowledged).toHaveLength(sent.length);
    await waitFor(async () => (await simulator.requests()).length > 0, 'the first HubSpot call');

    await docker('stop', '--time', '20', relay.id); // the compose demo's stop_grace_period
    const stopped = await state(relay.id);
    expect({ exitCode: stopped.ExitCode, oomKilled: stopped.OOMKilled }).toEqual({ exitCode: 0, oomKilled: false }); // 137 had it been killed at 20 s
    const beforeRestart = new Set(deliveries(await simulator.attendance()));
    expect(beforeRestart.size).toBeLessThan(sent.length); // the stop left work behind

    await ready(await restart(relay.id));
    const rows = await waitDelivered(simulator, acknowledged);
    expect(rows).toHaveLength(sent.length);
    expect(twice(rows)).toEqual([]); // the calls in flight at the stop finished and were recorded
  });
});

describe('check 4: docker kill mid-delivery', () => {
  it('when killed (SIGKILL) while calls to HubSpot are in flight and started again, then every acknowledged webhook reaches HubSpot, and only inputs of the calls in flight come twice', async () => {
    const { simulator, relay } = await stack();
    await ready(relay.url);
    const latencyMs = 1500;
    await simulator.inject({ kind: 'latency', ms: latencyMs, probability: 1 });
    const sent = backlog(8, 10);
    const acknowledged = await post(relay.url, sent);
    await waitFor(async () => (await simulator.requests()).length > 0, 'the first HubSpot call');

    const killedAt = Date.now();
    await docker('kill', '--signal', 'KILL', relay.id);
    expect((await state(relay.id)).ExitCode).toBe(137);
    const beforeRestart = new Set((await simulator.attendance()).map((row) => row.email));
    expect(acknowledged.some((email) => !beforeRestart.has(email))).toBe(true); // the kill left acknowledged work behind

    await ready(await restart(relay.id));
    const rows = await waitDelivered(simulator, acknowledged);
    // A call whose answer had not come back when the process died may be sent again; nothing else.
    const inFlight = new Set(
      (await simulator.requests()).filter((r) => r.at <= killedAt && r.at + latencyMs + 1000 >= killedAt).flatMap(inputs),
    );
    expect(twice(rows).filter((row) => !inFlight.has(row))).toEqual([]);
  });
});
