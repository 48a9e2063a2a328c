import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { queryDb } from '../support/db.js';
import { freePort } from '../support/ports.js';
import { spawnRelay, writeConfig, type RelayProcess } from '../support/process.js';
import { seededRandom } from '../support/seed.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

const SECRET = 'crash-test-secret';
const WEBHOOKS = 5000;
const KILLS = 3;
const BATCH_SIZE = 100;
const CONCURRENT_CALLS = 4;

let hubspot: HubspotSimulator;
let temp: ReturnType<typeof tempDir>;
let relay: RelayProcess | undefined;
/** Where the kills land; printed, and repeatable with TEST_SEED. */
const random = seededRandom('crash');
const agent = new Agent({ connections: 16, connectTimeout: 1000 });

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any', rateLimit: { max: 1000, intervalMs: 10_000 } });
});

afterEach(async () => {
  if (relay && relay.child.exitCode === null) relay.child.kill('SIGKILL');
  await hubspot.close();
  temp.remove();
});

describe('crash: SIGKILL three times while 5,000 webhooks arrive', () => {
  it('when the relay is killed and restarted at random moments, then every acknowledged webhook reaches HubSpot, re-sends stay within the at-least-once window', async () => {
    hubspot.inject({ kind: 'latency', ms: 30, probability: 1 }); // keeps batches in flight when the kills land
    const port = await freePort();
    const file = writeConfig(temp.dir, {
      server: { host: '127.0.0.1', port },
      store: { url: `sqlite:${temp.dir}/relay.db` },
      hubspot: {
        baseUrl: hubspot.url,
        accessToken: 'sim-token',
        batchSize: BATCH_SIZE,
        batchWaitMs: 20,
        requestsPerTenSeconds: 1000,
        maxConcurrentRequests: CONCURRENT_CALLS,
      },
      logging: { level: 'warn' },
      sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }],
      events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId: '9001' } }],
    });
    const start = () => spawnRelay(['serve', '--config', file], { port });
    relay = await start();

    const killAt = Array.from({ length: KILLS }, () => 500 + Math.floor(random() * (WEBHOOKS - 1000))).sort((a, b) => a - b);
    const emails = Array.from({ length: WEBHOOKS }, (_, i) => `crash${i}@example.com`);
    const queue = [...emails];
    const acknowledged = new Set<string>();
    let attempts = 0;
    let restarting: Promise<void> | undefined;

    const send = async (email: string): Promise<boolean> => {
      const body = JSON.stringify(registrationEvent('created', '4242', { email }));
      attempts++;
      try {
        const res = await request(`http://127.0.0.1:${port}/webhooks/zoom`, {
          method: 'POST',
          headers: zoomHeaders(SECRET, body),
          body,
          dispatcher: agent,
        });
        await res.body.dump();
        return res.statusCode === 200;
      } catch {
        return false;
      }
    };
    const worker = async () => {
      while (queue.length > 0 || restarting) {
        if (restarting) await restarting;
        const email = queue.shift();
        if (!email) continue;
        if (await send(email)) acknowledged.add(email);
        else queue.push(email); // the sender retries, as Zoom does
        if (killAt.length > 0 && acknowledged.size >= (killAt[0] as number) && !restarting) {
          killAt.shift();
          const dying = relay as RelayProcess;
          dying.child.kill('SIGKILL');
          restarting = dying.exited.then(async () => {
            relay = await start();
            restarting = undefined;
          });
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(acknowledged.size).toBe(WEBHOOKS);

    // Wait for the relay to have nothing left to do (every webhook processed, every record answered),
    // then count what HubSpot holds: a lost webhook shows as a shortfall, not as a timeout.
    await waitFor(
      () => {
        const [left] = queryDb<{ n: number }>(
          `${temp.dir}/relay.db`,
          "SELECT (SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL) + (SELECT COUNT(*) FROM records WHERE status IN ('pending', 'inflight')) AS n",
        );
        return left?.n === 0;
      },
      'the relay to process and deliver everything it acknowledged',
      40_000,
    );
    const seen = new Set(hubspot.attendance().map((r) => r.email));
    const inputs = hubspot.attendance().length;
    const lost = emails.filter((e) => !seen.has(e)).length;
    const resent = inputs - seen.size;
    console.log(
      `crash figures: sent ${attempts} requests, acknowledged ${acknowledged.size}, delivered ${seen.size}, re-sent ${resent}, lost ${lost}, kills ${KILLS}`,
    );
    expect(lost).toBe(0);
    // At most the batches in flight at each kill come again.
    expect(resent).toBeLessThanOrEqual(KILLS * CONCURRENT_CALLS * BATCH_SIZE);
    expect(hubspot.stats().duplicateEmailRequests).toBe(0);
  }, 60_000);
});
