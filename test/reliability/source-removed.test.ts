import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { freePort } from '../support/ports.js';
import { runCli, spawnRelay, writeConfig, type RelayProcess } from '../support/process.js';
import { adminGet, ADMIN_TOKEN, killAll, postZoom } from '../support/replicas.js';
import { seededRandom } from '../support/seed.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent } from '../support/zoom.js';

/**
 * Issue 20, item 1 on SQLite: a source removed from the configuration while its webhooks are
 * unprocessed. They wait (listed by the admin API and the CLI, counted in /metrics) and are
 * delivered once the source is back; webhooks an earlier relay dropped for want of their source
 * ("source … is not configured") are recovered the same way.
 */

const SECRET = 'removed-source-zoom-secret';
const random = seededRandom('source-removed');

let hubspot: HubspotSimulator;
let temp: ReturnType<typeof tempDir>;
let relay: RelayProcess | undefined;

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
});

afterEach(async () => {
  if (relay) await killAll([relay]);
  await hubspot.close();
  temp.remove();
});

describe('a source removed from the configuration (SQLite)', () => {
  it('when its webhooks are unprocessed, or were dropped by an earlier relay, then they wait (listed, counted) and are delivered once the source is back', async () => {
    const dbFile = join(temp.dir, 'relay.db');
    const body = (email: string) => JSON.stringify(registrationEvent('created', '888', { email }));
    const waiting = Array.from({ length: 2 + Math.floor(random() * 4) }, (_, i) => `waiting${i}@example.com`);
    const dropped = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => `dropped${i}@example.com`);
    // The inbox as a relay with `zoom2` left it (webhooks stored, not yet processed), plus what
    // earlier relays wrote for a webhook whose source they lacked: processed, with an error.
    const store = openSqliteStore(`sqlite:${dbFile}`);
    await store.migrate();
    const now = Date.now();
    await store.insertWebhooks(waiting.map((email) => ({ sourceId: 'zoom2', dedupKey: email, receivedAt: now, body: body(email) })));
    const old = await store.insertWebhooks(
      dropped.map((email) => ({ sourceId: 'zoom2', dedupKey: email, receivedAt: now, body: body(email) })),
    );
    const processed = old.map((w) => ({ inboxId: w.id, outcome: JSON.stringify({ error: 'source zoom2 is not configured' }) }));
    await store.commitEffects({ processed, contacts: [], sessions: [], sourceEvents: [], records: [] }, now);
    await store.close();

    const port = await freePort();
    const config = (withZoom2: boolean) =>
      writeConfig(temp.dir, {
        server: { host: '127.0.0.1', port },
        store: { url: `sqlite:${dbFile}` },
        hubspot: { baseUrl: hubspot.url, accessToken: 'sim-token', batchWaitMs: 20 },
        admin: { token: ADMIN_TOKEN },
        sources: [
          { id: 'zoom', type: 'zoom', secretToken: SECRET },
          ...(withZoom2 ? [{ id: 'zoom2', type: 'zoom', secretToken: SECRET }] : []),
        ],
        events: [
          { source: 'zoom', sourceEventId: '*', hubspot: { objectId: '1' } },
          ...(withZoom2 ? [{ source: 'zoom2', sourceEventId: '*', hubspot: { objectId: '2' } }] : []),
        ],
      });
    const all = [...waiting, ...dropped];

    relay = await spawnRelay(['serve', '--config', config(false)], { port });
    expect(await postZoom(relay, 'zoom', SECRET, registrationEvent('created', '555', { email: 'marker@example.com' }))).toBe(200);
    await waitFor(() => hubspot.attendance().some((r) => r.email === 'marker@example.com'), 'a round over the inbox');
    const listed = await waitFor(
      async () => {
        const page = await adminGet<{ webhooks?: Array<{ source: string }> }>(relay as RelayProcess, '/admin/webhooks?state=waiting');
        return page.webhooks?.length === all.length ? page.webhooks : undefined;
      },
      `${all.length} webhooks listed as waiting`,
      10_000,
    );
    expect(listed.every((w) => w.source === 'zoom2')).toBe(true);
    expect(await (await request(`${relay.url}/metrics`)).body.text()).toContain(`relay_webhooks_waiting{source="zoom2"} ${all.length}`);
    expect(hubspot.attendance().filter((r) => all.includes(r.email))).toEqual([]);
    relay.child.kill('SIGTERM');
    await relay.exited;

    const cli = await runCli(['webhooks', 'list', '--state', 'waiting', '--json', '--config', config(false)]);
    expect(cli.code).toBe(0);
    expect(
      (JSON.parse(cli.stdout) as Array<{ sourceId: string; why: string }>).map((w) => [
        w.sourceId,
        w.why.startsWith('source "zoom2" is not configured'),
      ]),
    ).toEqual(all.map(() => ['zoom2', true]));

    relay = await spawnRelay(['serve', '--config', config(true)], { port });
    await waitFor(() => {
      const seen = new Set(hubspot.attendance().map((r) => r.email));
      return all.every((e) => seen.has(e));
    }, 'every waiting webhook delivered once the source is back');
    expect((await adminGet<{ webhooks: unknown[] }>(relay, '/admin/webhooks?state=waiting')).webhooks).toEqual([]);
  }, 60_000);
});
