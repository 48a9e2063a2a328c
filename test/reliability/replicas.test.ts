import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { freshSchema, postgresUrl, queryPg, type TestSchema } from '../support/postgres.js';
import { spawnRelay, writeConfig, type RelayProcess } from '../support/process.js';
import { emails as emailList } from '../support/records.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

const SECRET = 'replica-zoom-secret';
const LIMIT = 30;
const BATCH = 10;
const CONCURRENT = 2;
const base = postgresUrl();

let hubspot: HubspotSimulator;
let schema: TestSchema;
let temp: ReturnType<typeof tempDir>;
const replicas: RelayProcess[] = [];

beforeAll(async () => {
  if (!base) return;
  temp = tempDir();
  schema = await freshSchema(base);
  hubspot = await startHubspotSimulator({ externalEvents: 'any', rateLimit: { max: LIMIT, intervalMs: 10_000 } });
  hubspot.inject({ kind: 'latency', ms: 40, probability: 1 });
});

afterAll(async () => {
  if (!base) return;
  for (const r of replicas) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  await hubspot.close();
  await schema.drop();
  temp.remove();
});

describe.skipIf(!base)('three replicas on one PostgreSQL', () => {
  it('when webhooks are spread over three replicas and one is killed mid-run, then every acknowledged record reaches HubSpot once per batch, and the shared limit holds', async () => {
    const file = writeConfig(temp.dir, {
      server: { host: '127.0.0.1', port: 0 },
      store: { url: schema.url },
      hubspot: {
        baseUrl: hubspot.url,
        accessToken: 'sim-token',
        batchSize: BATCH,
        batchWaitMs: 50,
        requestsPerTenSeconds: LIMIT,
        maxConcurrentRequests: CONCURRENT,
        batchLeaseMs: 3000,
      },
      sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }],
      events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId: '3003' } }],
    });
    // Three replicas starting at once: migrations take turns under the advisory lock.
    replicas.push(...(await Promise.all([1, 2, 3].map(() => spawnRelay(['serve', '--config', file])))));
    const emails = emailList(600, 'replica');
    const acknowledged = new Set<string>();
    const alive = () => replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
    let turn = 0;
    const send = async (email: string) => {
      for (;;) {
        const targets = alive();
        const replica = targets[turn++ % targets.length] as RelayProcess; // a round-robin load balancer
        const body = JSON.stringify(registrationEvent('created', '3003', { email }));
        try {
          const res = await request(`${replica.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(SECRET, body), body });
          await res.body.dump();
          if (res.statusCode === 200) return void acknowledged.add(email);
        } catch {
          // that replica is gone: the balancer tries another
        }
      }
    };
    for (let i = 0; i < emails.length; i += 20) {
      await Promise.all(emails.slice(i, i + 20).map(send));
      if (i === 300) {
        await waitFor(() => hubspot.requests().length > 3, 'deliveries under way');
        replicas[1]?.child.kill('SIGKILL');
      }
    }
    expect(acknowledged.size).toBe(emails.length);

    await waitFor(
      () => {
        const seen = new Set(hubspot.attendance().map((r) => r.email));
        return emails.every((e) => seen.has(e));
      },
      'every acknowledged record at HubSpot',
      45_000,
      200,
    );
    const inputs = hubspot.attendance().length;
    const resent = inputs - emails.length;
    const stats = hubspot.stats();
    console.log(
      `replica figures: ${emails.length} acknowledged, ${inputs} inputs at HubSpot (${resent} re-sent after the kill), ${stats.requests} requests, peak ${stats.peakInWindow}/${LIMIT} per 10 s, 429s ${stats.rateLimited}`,
    );
    expect(stats.duplicateEmailRequests).toBe(0);
    expect(resent).toBeLessThanOrEqual(CONCURRENT * BATCH); // only the dead replica's batches in flight come again
    expect(stats.peakInWindow).toBeLessThanOrEqual(LIMIT);
    expect(stats.rateLimited).toBe(0);
    // Each version applied once, whichever replica got there first.
    const migrations = await queryPg<{ version: number }>(schema.url, 'SELECT version FROM schema_migrations ORDER BY version');
    expect(migrations.map((m) => m.version)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
  }, 60_000);
});
