import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { queryPg } from '../support/postgres.js';
import { freeze, postZoom, replicaConfig, replicaWorld, thaw, type Replica } from '../support/replicas.js';
import { seededRandom } from '../support/seed.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent } from '../support/zoom.js';

/**
 * Issue 20, item 7: a replica frozen inside a processing round holds the cluster-wide processing
 * lock in an idle transaction. PostgreSQL's idle_in_transaction_session_timeout on the relay's
 * sessions ends that transaction, so another replica takes over within the bound; nothing is lost.
 */

const SECRET = 'frozen-processor-secret';
const IDLE_IN_TRANSACTION_MS = 3000;
const random = seededRandom('frozen-processor');
const world = replicaWorld();

/** The schema's URL with an application_name, so the test can tell the replicas' sessions apart. */
function named(name: string): string {
  const url = new URL(world.schema.url);
  url.searchParams.set('application_name', name);
  return url.toString();
}

describe.skipIf(!world.available)('a replica frozen inside a processing round', () => {
  it('when it holds the processing lock in an idle transaction, then the session is ended within the bound and the other replica processes everything', async () => {
    const { hubspot, schema } = world;
    const start = (name: string) =>
      world.start(
        name,
        replicaConfig({
          storeUrl: named(name),
          hubspotUrl: hubspot.url,
          sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }],
          events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId: '4004' } }],
          store: { idleInTransactionTimeoutMs: IDLE_IN_TRANSACTION_MS },
        }),
      );
    const [a, b] = [await start('replica-a'), await start('replica-b')];
    const byName = new Map([a, b].map((r) => [r.name, r]));

    // Catch a round mid-flight: while the test holds records in SHARE mode, the round that takes
    // the first webhook waits on its INSERT, inside its transaction, holding the processing lock.
    const blocker = new pg.Client({ connectionString: schema.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE records IN SHARE MODE');
    expect(await postZoom(a, 'zoom', SECRET, registrationEvent('created', '4004', { email: 'first@example.com' }))).toBe(200);
    const holder = await waitFor(async () => {
      const rows = await queryPg<{ application_name: string }>(
        schema.url,
        `SELECT application_name FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO records%'`,
      );
      return rows[0]?.application_name;
    }, 'a processing round waiting on its INSERT');
    const frozen = byName.get(holder) as Replica;
    const alive = frozen === a ? b : a;
    freeze(frozen);
    await blocker.query('COMMIT'); // the INSERT completes; the frozen replica never sends COMMIT
    await blocker.end();

    const emails = Array.from({ length: 5 + Math.floor(random() * 10) }, (_, i) => `after-freeze${i}@example.com`);
    for (const email of emails) expect(await postZoom(alive, 'zoom', SECRET, registrationEvent('created', '4004', { email }))).toBe(200);
    const started = Date.now();
    const everyone = ['first@example.com', ...emails];
    await waitFor(
      () => {
        const seen = new Set(hubspot.attendance().map((r) => r.email));
        return everyone.every((e) => seen.has(e));
      },
      'every webhook processed and delivered while one replica is frozen',
      25_000,
      100,
    );
    console.log(
      `frozen-processor figures: ${frozen.name} frozen in a round; ${everyone.length} webhooks delivered by ${alive.name} ${Date.now() - started} ms after they were taken (bound ${IDLE_IN_TRANSACTION_MS} ms)`,
    );

    // The frozen one wakes to a session PostgreSQL ended: its round failed and rolled back, nothing doubled.
    thaw(frozen);
    // Right after a freeze its event loop looks stalled, so it sheds for a moment (503 OVERLOADED): the sender retries, as Zoom does.
    const late = registrationEvent('created', '4004', { email: 'after-thaw@example.com' });
    await waitFor(async () => (await postZoom(frozen, 'zoom', SECRET, late)) === 200, 'the thawed replica taking a webhook');
    await waitFor(() => hubspot.attendance().some((r) => r.email === 'after-thaw@example.com'), 'the thawed replica working again');
    const records = await queryPg<{ email: string; n: number }>(schema.url, 'SELECT email, COUNT(*)::int AS n FROM records GROUP BY email');
    expect(records.filter((r) => r.n !== 1)).toEqual([]);
    expect(records).toHaveLength(everyone.length + 1);
  }, 60_000);
});
