import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewWebhook, Store } from '../../src/store/ports.js';
import { postgresUrl } from '../support/postgres.js';
import { openStoreUnderTest, querySql, STORE_KINDS, type StoreUnderTest } from '../support/stores.js';

/**
 * The DetailsQueue contract (thin notices whose details are fetched in the background) and
 * once-keys, on SQLite and PostgreSQL alike, through the Store interface.
 */

const pgUrl = postgresUrl();

const T0 = Date.parse('2026-05-01T12:00:00Z');
const LEASE = 60_000;
const SOURCE = 'eventbrite';

function notice(n: number, overrides: Partial<NewWebhook> = {}): NewWebhook {
  return {
    sourceId: SOURCE,
    dedupKey: `notice-${n}`,
    receivedAt: T0,
    body: JSON.stringify({ config: { action: 'order.placed' }, api_url: `https://www.eventbriteapi.com/v3/orders/${n}/` }),
    needsDetails: true,
    ...overrides,
  };
}

const noEffects = { processed: [], contacts: [], sessions: [], sourceEvents: [], records: [] };

describe.each(STORE_KINDS)('%s store', (kind) => {
  describe.skipIf(kind === 'postgres' && !pgUrl)('details queue and once-keys', () => {
    let s: StoreUnderTest;
    let store: Store;

    beforeEach(async () => {
      s = await openStoreUnderTest(kind, pgUrl);
      store = s.store;
    });

    afterEach(async () => {
      await s?.cleanup();
    });

    const detailsColumns = async (id: number) =>
      (
        await querySql<{
          details_status: string | null;
          details_attempts: number;
          details_next_at: number | null;
          details_error: string | null;
        }>(kind, s.location, `SELECT details_status, details_attempts, details_next_at, details_error FROM inbox WHERE id = ${Number(id)}`)
      )[0];

    it('when a thin notice is stored, then it waits for its details: claimable, not yet processable', async () => {
      const [stored] = await store.insertWebhooks([notice(1)]);
      expect(await store.unprocessedWebhooks(10)).toEqual([]);
      const claimed = await store.claimWebhooksNeedingDetails(T0, 10, LEASE);
      expect(claimed).toEqual([
        expect.objectContaining({ id: stored?.id, sourceId: SOURCE, receivedAt: T0, body: notice(1).body, detailsAttempts: 0 }),
      ]);
    });

    it('when a notice needs no details, then it is processable at once and never claimed for a fetch', async () => {
      const [stored] = await store.insertWebhooks([notice(1, { needsDetails: false })]);
      expect(await store.claimWebhooksNeedingDetails(T0, 10, LEASE)).toEqual([]);
      expect((await store.unprocessedWebhooks(10)).map((r) => r.id)).toEqual([stored?.id]);
    });

    it('when a claim is held, then nobody else claims it until the lease runs out (a fetcher that died is replaced)', async () => {
      await store.insertWebhooks([notice(1)]);
      expect(await store.claimWebhooksNeedingDetails(T0, 10, LEASE)).toHaveLength(1);
      expect(await store.claimWebhooksNeedingDetails(T0 + LEASE - 1, 10, LEASE)).toEqual([]);
      store = await s.reopen(); // a restart keeps the lease
      expect(await store.claimWebhooksNeedingDetails(T0 + LEASE - 1, 10, LEASE)).toEqual([]);
      expect(await store.claimWebhooksNeedingDetails(T0 + LEASE, 10, LEASE)).toHaveLength(1);
    });

    it('when several are due, then they are claimed oldest first, at most `limit` at a time', async () => {
      const stored = await store.insertWebhooks([notice(1), notice(2), notice(3)]);
      const first = await store.claimWebhooksNeedingDetails(T0, 2, LEASE);
      const second = await store.claimWebhooksNeedingDetails(T0, 2, LEASE);
      expect(first.map((r) => r.id)).toEqual(stored.slice(0, 2).map((r) => r.id));
      expect(second.map((r) => r.id)).toEqual([stored[2]?.id]);
    });

    it('when the claimer names the sources it can fetch for, then notices of other sources are left for a replica that has them', async () => {
      const [ours, theirs] = await store.insertWebhooks([notice(1), notice(2, { sourceId: 'eventbrite2' })]);
      expect((await store.claimWebhooksNeedingDetails(T0, 10, LEASE, [SOURCE])).map((r) => r.id)).toEqual([ours?.id]);
      expect(await store.claimWebhooksNeedingDetails(T0, 10, LEASE, [SOURCE])).toEqual([]);
      expect((await store.claimWebhooksNeedingDetails(T0, 10, LEASE, ['eventbrite2'])).map((r) => r.id)).toEqual([theirs?.id]);
    });

    it('when a notice was stored in the future of the claimer (clock skew), then it is claimed once its time has come', async () => {
      await store.insertWebhooks([notice(1, { receivedAt: T0 + 5000 })]);
      expect(await store.claimWebhooksNeedingDetails(T0, 10, LEASE)).toEqual([]);
      expect(await store.claimWebhooksNeedingDetails(T0 + 5000, 10, LEASE)).toHaveLength(1);
    });

    it('when details are saved, then the notice becomes processable with them and is never fetched again', async () => {
      const [stored] = await store.insertWebhooks([notice(1)]);
      const id = stored?.id ?? 0;
      await store.claimWebhooksNeedingDetails(T0, 10, LEASE);
      await store.saveDetails(id, JSON.stringify({ resource: 'order', attendees: [] }));
      expect(await store.unprocessedWebhooks(10)).toEqual([
        expect.objectContaining({ id, details: '{"resource":"order","attendees":[]}' }),
      ]);
      expect(await store.claimWebhooksNeedingDetails(T0 + 10 * LEASE, 10, LEASE)).toEqual([]);
      expect(await detailsColumns(id)).toMatchObject({ details_status: 'ready', details_error: null });
      await store.commitEffects({ ...noEffects, processed: [{ inboxId: id, outcome: '{"records":0}' }] }, T0);
      expect(await store.unprocessedWebhooks(10)).toEqual([]);
    });

    it('when a fetch is to be retried, then the attempt is counted, the reason kept, and the notice waits until notBefore', async () => {
      const [stored] = await store.insertWebhooks([notice(1)]);
      const id = stored?.id ?? 0;
      await store.claimWebhooksNeedingDetails(T0, 10, LEASE);
      await store.retryDetails(id, T0 + 5000, 'Eventbrite GET /v3/orders/1/: 503');
      expect(await store.claimWebhooksNeedingDetails(T0 + 4999, 10, LEASE)).toEqual([]);
      expect(await store.unprocessedWebhooks(10)).toEqual([]);
      expect(await detailsColumns(id)).toMatchObject({
        details_status: 'pending',
        details_attempts: 1,
        details_error: 'Eventbrite GET /v3/orders/1/: 503',
      });
      const [again] = await store.claimWebhooksNeedingDetails(T0 + 5000, 10, LEASE);
      expect(again).toMatchObject({ id, detailsAttempts: 1 });
      await store.saveDetails(id, '{}');
      expect(await detailsColumns(id)).toMatchObject({ details_status: 'ready', details_attempts: 1, details_error: null });
    });

    it('when a fetch waits out a rate limit, then no attempt is spent: only the wait and the reason are kept', async () => {
      const [stored] = await store.insertWebhooks([notice(1)]);
      const id = stored?.id ?? 0;
      await store.claimWebhooksNeedingDetails(T0, 10, LEASE);
      await store.retryDetails(id, T0 + 60_000, 'Eventbrite answered 429', false);
      expect(await detailsColumns(id)).toMatchObject({
        details_status: 'pending',
        details_attempts: 0,
        details_next_at: T0 + 60_000,
        details_error: 'Eventbrite answered 429',
      });
    });

    it('when a fetch fails for good, then the notice stays in the inbox, dead with the reason: never claimed, never processed, never lost', async () => {
      const [stored] = await store.insertWebhooks([notice(1)]);
      const id = stored?.id ?? 0;
      await store.claimWebhooksNeedingDetails(T0, 10, LEASE);
      await store.failDetails(id, 'Eventbrite GET /v3/orders/1/: 404 NOT_FOUND');
      expect(await store.claimWebhooksNeedingDetails(T0 + 100 * LEASE, 10, LEASE)).toEqual([]);
      expect(await store.unprocessedWebhooks(10)).toEqual([]);
      expect(await detailsColumns(id)).toMatchObject({
        details_status: 'dead',
        details_attempts: 1,
        details_error: 'Eventbrite GET /v3/orders/1/: 404 NOT_FOUND',
      });
      expect(await store.webhookStatus(id)).toMatchObject({ id, processedAt: undefined, records: [] });
      await store.prune(T0 + 365 * 86_400_000, T0 + 365 * 86_400_000);
      expect(await detailsColumns(id)).toMatchObject({ details_status: 'dead' }); // pruning keeps what was never processed
    });

    it('when a thin notice is delivered twice with one dedup key, then it is stored and fetched once', async () => {
      const [first, second] = await store.insertWebhooks([notice(1), notice(1)]);
      expect(second).toEqual({ id: first?.id, duplicate: true });
      expect(await store.claimWebhooksNeedingDetails(T0, 10, LEASE)).toHaveLength(1);
    });

    it('when two replicas claim at the same moment, then each notice is claimed by exactly one', async () => {
      await store.insertWebhooks(Array.from({ length: 40 }, (_, i) => notice(i)));
      const other = await s.open();
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? store : other).claimWebhooksNeedingDetails(T0, 7, LEASE)),
      );
      const ids = claims.flat().map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(40);
    });

    it('when once-keys are committed, then they are seen for their source only, idempotently, and survive a restart', async () => {
      expect(await store.hasOnceKey(SOURCE, 'attendee:1:2026-10-01T12:00:00Z:registered')).toBe(false);
      await store.commitEffects({ ...noEffects, onceKeys: [{ sourceId: SOURCE, key: 'attendee:1:2026-10-01T12:00:00Z:registered' }] }, T0);
      await store.commitEffects(
        { ...noEffects, onceKeys: [{ sourceId: SOURCE, key: 'attendee:1:2026-10-01T12:00:00Z:registered' }] },
        T0 + 1,
      );
      expect(await store.hasOnceKey(SOURCE, 'attendee:1:2026-10-01T12:00:00Z:registered')).toBe(true);
      expect(await store.hasOnceKey('other-source', 'attendee:1:2026-10-01T12:00:00Z:registered')).toBe(false);
      expect(await store.hasOnceKey(SOURCE, 'attendee:1:2026-10-01T12:00:01Z:registered')).toBe(false);
      store = await s.reopen();
      expect(await store.hasOnceKey(SOURCE, 'attendee:1:2026-10-01T12:00:00Z:registered')).toBe(true);
    });

    it('when once-keys and a processed notice are committed together, then both or neither are visible (one round, one commit)', async () => {
      const [stored] = await store.insertWebhooks([notice(1, { needsDetails: false })]);
      await store.commitEffects(
        {
          ...noEffects,
          processed: [{ inboxId: stored?.id ?? 0, outcome: '{}' }],
          onceKeys: [
            { sourceId: SOURCE, key: 'k1' },
            { sourceId: SOURCE, key: 'k2' },
          ],
        },
        T0,
      );
      expect(await store.unprocessedWebhooks(10)).toEqual([]);
      expect([await store.hasOnceKey(SOURCE, 'k1'), await store.hasOnceKey(SOURCE, 'k2')]).toEqual([true, true]);
    });
  });
});
