import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.js';
import { registrationEvent } from '../support/zoom.js';
import { dockerResult, getJson, postZoom, Resources, state, waitHealthy } from './docker.js';
import { deliveries, startRelay, startSimulator, ZOOM_SECRET } from './stack.js';

const resources = new Resources('store');
afterEach(() => resources.remove());

/**
 * The decision tested here (README "Container and Kubernetes"): liveness (/healthz, Docker's
 * HEALTHCHECK) means "a restart would help". A store that cannot be written (full disk, read-only
 * or unreachable database) is not cured by a restart, so the relay stays alive, drops out of
 * rotation (/readyz 503), answers webhooks 503 so senders retry, and recovers by itself.
 */
describe('check 5: the store becomes unwritable', () => {
  it('when /data is full, then webhooks get 503 and /readyz 503 while Docker keeps it healthy and running; once space is back it accepts and delivers again without a restart', async () => {
    const network = await resources.network();
    const simulator = await startSimulator(resources, network);
    // A 4 MB tmpfs as /data: a real full disk. The health check runs every second here (the image
    // says every 10 s, 3 retries), so three failures in a row would show within seconds.
    const relay = await startRelay(resources, network, [
      '--tmpfs',
      '/data:size=4m,uid=1000,gid=1000',
      '--health-interval',
      '1s',
      '--health-start-period',
      '1s',
    ]);
    await waitHealthy(relay.id);
    const startedAt = (await state(relay.id)).StartedAt;

    let counter = 0;
    const accepted: string[] = [];
    const post = async () => {
      const email = `disk${counter++}@example.com`;
      const result = await postZoom(
        `${relay.url}/webhooks/zoom`,
        ZOOM_SECRET,
        registrationEvent('created', '5150', { email, org: 'x'.repeat(1500) }),
      );
      if (result.status === 200) accepted.push(email);
      return result;
    };
    for (let i = 0; i < 5; i++) expect((await post()).status).toBe(200);

    const fill = await dockerResult(['exec', relay.id, 'sh', '-c', 'cat /dev/zero > /data/filler']);
    expect(fill.stderr).toContain('No space left on device');
    const refusal = await waitFor(async () => {
      const result = await post();
      return result.status !== 200 ? result : undefined;
    }, 'a webhook refused for want of space');
    expect(refusal).toEqual({ status: 503, code: 'STORE_UNAVAILABLE' });
    const refusedAt = Date.now();
    expect((await getJson(`${relay.url}/readyz`)).status).toBe(503);

    // Four health checks after the refusal: more than the three failures that make Docker say unhealthy.
    const during = await waitFor(async () => {
      const now = await state(relay.id);
      return (now.Health?.Log ?? []).filter((check) => Date.parse(check.Start) > refusedAt).length >= 4 ? now : undefined;
    }, 'four health checks while the disk is full');
    expect(during.Health?.Status).toBe('healthy');
    expect(during.Health?.Log.filter((check) => Date.parse(check.Start) > refusedAt && check.ExitCode !== 0)).toEqual([]);
    expect((await post()).status).toBe(503); // still full: the checks ran while it was unwritable

    expect((await dockerResult(['exec', relay.id, 'rm', '/data/filler'])).code).toBe(0);
    await waitFor(async () => (await post()).status === 200, 'webhooks accepted again');
    await waitFor(async () => (await getJson(`${relay.url}/readyz`)).status === 200, '/readyz back to 200');
    await waitFor(async () => {
      const seen = new Set(deliveries(await simulator.attendance()).map((row) => row.split(' ')[2]));
      return accepted.every((email) => seen.has(email));
    }, 'every acknowledged webhook at HubSpot');
    const after = await state(relay.id);
    expect({ running: after.Running, startedAt: after.StartedAt }).toEqual({ running: true, startedAt });
  });
});
