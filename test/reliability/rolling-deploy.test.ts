import pg from 'pg';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { queryPg } from '../support/postgres.js';
import { adminGet, freeze, postZoom, replicaConfig, replicaWorld, thaw } from '../support/replicas.js';
import { seededRandom, shuffled } from '../support/seed.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent } from '../support/zoom.js';

/**
 * Issue 20, item 1: a rolling deploy adds a source. The old replica has `zoom` only, the new
 * one `zoom` and `zoom2`, on one PostgreSQL. The old one must never consume a `zoom2` webhook:
 * it leaves it for the new one, lists it and counts it, and it is delivered without an operator.
 */

const SECRET = 'rolling-deploy-zoom-secret';
const SECRET2 = 'rolling-deploy-zoom-secret-2';
const random = seededRandom('rolling-deploy');
const world = replicaWorld();

describe.skipIf(!world.available)('a rolling deploy that adds a source', () => {
  it("when the old replica processes while the new one is away, then it leaves the new source's webhooks waiting (listed, counted) and the new one delivers every one", async () => {
    const zoom = { id: 'zoom', type: 'zoom', secretToken: SECRET };
    const zoom2 = { id: 'zoom2', type: 'zoom', secretToken: SECRET2 };
    const zoomEvents = { source: 'zoom', sourceEventId: '*', hubspot: { objectId: '1001' } };
    const zoom2Events = { source: 'zoom2', sourceEventId: '*', hubspot: { objectId: '2002' } };
    const { hubspot, schema } = world;
    const common = { storeUrl: schema.url, hubspotUrl: hubspot.url };
    const old = await world.start('old', replicaConfig({ ...common, sources: [zoom], events: [zoomEvents] }));
    const next = await world.start('new', replicaConfig({ ...common, sources: [zoom, zoom2], events: [zoomEvents, zoom2Events] }));

    // Holding the processing lock keeps both replicas from processing while the new one takes
    // webhooks; then the new one goes away (frozen), and the old one is left to process alone.
    const holder = new pg.Client({ connectionString: schema.url });
    await holder.connect();
    await holder.query(`SELECT pg_advisory_lock(hashtext(current_schema() || ':processing'))`);
    const count = 20 + Math.floor(random() * 21);
    const emails = shuffled(
      Array.from({ length: count }, (_, i) => `rollout${i}@example.com`),
      random,
    );
    for (const email of emails) expect(await postZoom(next, 'zoom2', SECRET2, registrationEvent('created', '777', { email }))).toBe(200);
    freeze(next);
    await holder.query(`SELECT pg_advisory_unlock(hashtext(current_schema() || ':processing'))`);
    await holder.end();

    // A webhook of its own source, taken after the others: once it reaches HubSpot, the old
    // replica has had its rounds over everything stored before it.
    expect(await postZoom(old, 'zoom', SECRET, registrationEvent('created', '555', { email: 'marker@example.com' }))).toBe(200);
    await waitFor(() => hubspot.attendance().some((r) => r.email === 'marker@example.com'), 'the old replica processing its own source');

    const waiting = await waitFor(
      async () => {
        const page = await adminGet<{ webhooks: Array<{ source: string; state: string; reason: string }> }>(
          old,
          '/admin/webhooks?state=waiting&limit=500',
        );
        return page.webhooks?.length === count ? page.webhooks : undefined;
      },
      `the old replica listing ${count} webhooks as waiting`,
      10_000,
    );
    expect(waiting.every((w) => w.source === 'zoom2' && w.state === 'waiting' && w.reason.includes('"zoom2" is not configured'))).toBe(
      true,
    );
    const metrics = await (await request(`${old.url}/metrics`)).body.text();
    expect(metrics).toContain(`relay_webhooks_waiting{source="zoom2"} ${count}`);
    const unprocessed = await queryPg<{ n: number }>(
      schema.url,
      `SELECT COUNT(*)::int AS n FROM inbox WHERE source_id = 'zoom2' AND processed_at IS NULL`,
    );
    expect(unprocessed[0]?.n).toBe(count);
    expect(hubspot.attendance().filter((r) => r.eventKey === 'object:2002')).toHaveLength(0);

    // The new replica comes back: every acknowledged webhook is delivered, nobody intervening.
    thaw(next);
    await waitFor(
      () => {
        const seen = new Set(
          hubspot
            .attendance()
            .filter((r) => r.eventKey === 'object:2002')
            .map((r) => r.email),
        );
        return emails.every((e) => seen.has(e));
      },
      `all ${count} zoom2 registrations at HubSpot`,
      30_000,
      100,
    );
    await waitFor(
      async () => (await adminGet<{ webhooks: unknown[] }>(old, '/admin/webhooks?state=waiting')).webhooks.length === 0,
      'nothing waiting any more',
    );
    console.log(
      `rolling deploy figures: ${count} zoom2 webhooks acknowledged by the new replica, all waited while it was away and reached HubSpot after`,
    );
  }, 60_000);
});
