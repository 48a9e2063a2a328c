import { beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryGroup, InboxEffects, Store } from '../../src/store/ports.js';
import { addRecords, EVENT_A, newRecord } from '../support/records.js';
import { claimedBatch, claimOptions, describeEachStore, type StoreUnderTest } from '../support/stores.js';

/**
 * The Store contract for issue 20's timing rules, on SQLite and PostgreSQL alike: webhooks of
 * sources a relay lacks wait (and those an earlier relay dropped come back), sessions and event
 * ends per occurrence, and the per-contact ordering, fencing and late-landing rules of delivery.
 */

const T0 = Date.parse('2026-05-01T12:00:00Z');
const REGISTER_A: DeliveryGroup = { targetKey: EVENT_A, state: 'register' };
const CANCEL_A: DeliveryGroup = { targetKey: EVENT_A, state: 'cancel' };
const ATTEND_A: DeliveryGroup = { targetKey: EVENT_A, state: 'attend' };
const noEffects: InboxEffects = { processed: [], contacts: [], sessions: [], sourceEvents: [], records: [] };
const options = (now = T0, leaseMs = 60_000) => claimOptions(now, { leaseMs });

describeEachStore('meets the timing contract', (harness) => {
  let s: StoreUnderTest;
  let store: Store;

  beforeEach(() => {
    s = harness();
    store = s.store;
  });

  /** Claims and delivers the group's ready records under their claim. */
  async function deliver(group: DeliveryGroup, now = T0): Promise<void> {
    const { records, claimToken } = claimedBatch(await store.claimBatch(group, options(now)));
    await store.completeDeliveries(
      records.map((r) => ({ id: r.id, kind: 'delivered' as const })),
      now,
      claimToken,
    );
  }

  describe('webhooks of sources a relay lacks', () => {
    it('when webhooks of an unknown source lead the inbox then a round asked for its own sources gets the rest, and the others are listed and counted as waiting', async () => {
      const rows = ['zoom2', 'zoom2', 'zoom', 'eventbrite', 'zoom2'].map((sourceId, i) => ({
        sourceId,
        dedupKey: `k${i}`,
        receivedAt: T0 + i,
        body: `{"n":${i}}`,
      }));
      const ids = (await store.insertWebhooks(rows)).map((w) => w.id);
      expect((await store.unprocessedWebhooks(2, ['zoom', 'eventbrite'])).map((w) => w.id)).toEqual([ids[2], ids[3]]);
      expect((await store.unprocessedWebhooks(10)).map((w) => w.id)).toEqual(ids);

      const known = ['zoom', 'eventbrite'];
      expect(await store.countWaitingWebhooks(known)).toEqual({ zoom2: 3 });
      const newestFirst = await store.listWaitingWebhooks(known, 2);
      expect(newestFirst).toEqual([
        { id: ids[4], sourceId: 'zoom2', receivedAt: T0 + 4 },
        { id: ids[1], sourceId: 'zoom2', receivedAt: T0 + 1 },
      ]);
      expect((await store.listWaitingWebhooks(known, 10, ids[1])).map((w) => w.id)).toEqual([ids[0]]);
      expect(await store.countWaitingWebhooks([...known, 'zoom2'])).toEqual({});
    });

    it('when an earlier relay marked webhooks processed for want of their source then reopenUnconfiguredWebhooks makes those, and only those, unprocessed again', async () => {
      const [lost, interpreted, broken] = await store.insertWebhooks(
        ['a', 'b', 'c'].map((k) => ({ sourceId: k === 'b' ? 'zoom' : 'zoom2', dedupKey: k, receivedAt: T0, body: '{}' })),
      );
      await store.commitEffects(
        {
          ...noEffects,
          processed: [
            { inboxId: lost!.id, outcome: JSON.stringify({ error: 'source zoom2 is not configured' }) },
            { inboxId: interpreted!.id, outcome: JSON.stringify({ records: 1, guests: 0, invalidEmails: 0, repeats: 0 }) },
            { inboxId: broken!.id, outcome: JSON.stringify({ error: 'zoom webhook: join_time is not an ISO-8601 time' }) },
          ],
        },
        T0,
      );
      expect(await store.reopenUnconfiguredWebhooks()).toBe(1);
      expect((await store.unprocessedWebhooks(10)).map((w) => w.id)).toEqual([lost!.id]);
      expect(await store.webhookStatus(lost!.id)).toMatchObject({ processedAt: undefined, outcome: undefined });
      expect(await store.reopenUnconfiguredWebhooks()).toBe(0);
    });
  });

  describe('occurrences', () => {
    it('when two occurrences of one event hold sessions of one person then each is kept, found and closed apart, with the close kept apart from a leave', async () => {
      const session = (occurrence: string, firstJoin: number) => ({
        sourceId: 'zoom',
        sourceEventId: '9001',
        occurrence,
        email: 'ada@example.com',
        times: { firstJoin, lastJoin: firstJoin },
        contact: { email: 'ada@example.com' },
      });
      const week = 7 * 86_400_000;
      await store.commitEffects({ ...noEffects, sessions: [session('w1', T0), session('w2', T0 + week)] }, T0);
      await store.commitEffects(
        {
          ...noEffects,
          sessions: [{ ...session('w1', T0), times: { firstJoin: T0, lastJoin: T0, closedAt: T0 + 3_600_000 } }],
          sourceEvents: [{ sourceId: 'zoom', sourceEventId: '9001', occurrence: 'w1', endedAt: T0 + 3_600_000 }],
        },
        T0,
      );
      expect((await store.findSession('zoom', '9001', 'w1', 'ada@example.com'))?.times).toMatchObject({ closedAt: T0 + 3_600_000 });
      expect((await store.findSession('zoom', '9001', 'w2', 'ada@example.com'))?.times).toMatchObject({
        firstJoin: T0 + week,
        closedAt: undefined,
      });
      expect(await store.findSession('zoom', '9001', '', 'ada@example.com')).toBeUndefined();
      expect((await store.openSessionsOfEvent('zoom', '9001', 'w1')).map((x) => x.occurrence)).toEqual([]);
      expect((await store.openSessionsOfEvent('zoom', '9001', 'w2')).map((x) => x.occurrence)).toEqual(['w2']);
      expect(await store.findSourceEvent('zoom', '9001', 'w1')).toMatchObject({ occurrence: 'w1', endedAt: T0 + 3_600_000 });
      expect(await store.findSourceEvent('zoom', '9001', 'w2')).toBeUndefined();
    });

    it('when a newer attend of another occurrence arrives then the unsent attend of the first occurrence is kept', async () => {
      await addRecords(store, [{ email: 'ada@example.com', state: 'attend' }], T0);
      const secondOccurrence = {
        ...newRecord({ email: 'ada@example.com', state: 'attend', occurredAt: T0 + 7 * 86_400_000 }),
        occurrence: 'w2',
      };
      await store.commitEffects({ ...noEffects, records: [secondOccurrence] }, T0 + 1);
      expect((await s.recordsOf('ada@example.com')).map((r) => r.status)).toEqual(['pending', 'pending']);
    });
  });

  describe('ordering by event time', () => {
    it("when a contact's later record is in flight then an earlier one of another state waits for it", async () => {
      await addRecords(store, [{ email: 'ada@example.com', state: 'cancel', occurredAt: T0 + 5000 }], T0);
      const cancel = claimedBatch(await store.claimBatch(CANCEL_A, options()));
      await addRecords(store, [{ email: 'ada@example.com', state: 'register', occurredAt: T0 + 1000 }], T0);
      expect(await store.claimBatch(REGISTER_A, options())).toMatchObject({ kind: 'empty' });
      await store.completeDeliveries(
        [{ id: cancel.records[0]!.id, kind: 'retry', error: 'HTTP 503', notBefore: T0, countAttempt: true }],
        T0,
        cancel.claimToken,
      );
      // Back to pending: event time order decides again, and the register is the earlier one.
      expect(claimedBatch(await store.claimBatch(REGISTER_A, options())).records).toHaveLength(1);
    });

    it('when a record is older than a delivered record of another state for the same contact then it is superseded with the reason, never handed out', async () => {
      await addRecords(
        store,
        [
          { email: 'ada@example.com', state: 'cancel', occurredAt: T0 + 5000 },
          { email: 'bob@example.com', state: 'cancel', occurredAt: T0 + 5000 },
        ],
        T0,
      );
      await deliver(CANCEL_A);
      await addRecords(
        store,
        [
          { email: 'ada@example.com', state: 'register', occurredAt: T0 + 1000 },
          { email: 'bob@example.com', state: 'register', occurredAt: T0 + 9000 },
        ],
        T0 + 1,
      );
      const batch = claimedBatch(await store.claimBatch(REGISTER_A, options(T0 + 2)));
      expect(batch.records.map((r) => r.email)).toEqual(['bob@example.com']);
      const [, register] = await s.recordsOf('ada@example.com');
      expect(register).toMatchObject({ status: 'superseded', last_error: expect.stringContaining('newer cancel') });
      expect((await store.listRecords({ email: 'ada@example.com', status: 'superseded' }, 10))[0]?.lastError).toContain('event time order');
    });

    it('when an attend older than a delivered attend arrives (a late earlier join) then it is still sent: same state, a new span', async () => {
      await addRecords(store, [{ email: 'ada@example.com', state: 'attend', occurredAt: T0 + 5000 }], T0);
      await deliver(ATTEND_A);
      await addRecords(store, [{ email: 'ada@example.com', state: 'attend', occurredAt: T0 + 1000 }], T0 + 1);
      expect(claimedBatch(await store.claimBatch(ATTEND_A, options(T0 + 2))).records).toHaveLength(1);
    });
  });

  describe('fencing and late landings', () => {
    it('when a record older than a delivered newer state lands late (its lease lost, HubSpot answered 200) then the newer state is queued again, once', async () => {
      await addRecords(
        store,
        [
          { email: 'ada@example.com', state: 'register', occurredAt: T0 + 1000 },
          { email: 'ada@example.com', state: 'cancel', occurredAt: T0 + 2000 },
        ],
        T0,
      );
      const lost = claimedBatch(await store.claimBatch(REGISTER_A, options(T0, 1000)));
      expect(await store.releaseExpiredLeases(T0 + 2000)).toBe(1);
      expect(await store.renewLease(lost.claimToken, T0 + 60_000)).toBe(false); // the fence: this try would not go out
      await deliver(REGISTER_A, T0 + 2000);
      await deliver(CANCEL_A, T0 + 2000);

      const late = lost.records.map((r) => ({ id: r.id, kind: 'delivered' as const }));
      expect(await store.completeDeliveries(late, T0 + 3000, lost.claimToken)).toEqual({ reasserted: 1 });
      const rows = await s.recordsOf('ada@example.com');
      expect(rows.map((r) => [r.state, r.status])).toEqual([
        ['register', 'delivered'],
        ['cancel', 'delivered'],
        ['cancel', 'pending'],
      ]);
      expect(rows[2]).toMatchObject({
        occurred_at: T0 + 2000,
        created_at: T0 + 3000,
        last_error: expect.stringContaining('an older register reached HubSpot after it'),
      });
      const again = claimedBatch(await store.claimBatch(CANCEL_A, options(T0 + 3000)));
      expect(again.records[0]?.input).toMatchObject({ email: 'ada@example.com', interactionDateTime: T0 + 2000 });
    });

    it('when the late record is the newest one, or a newer one is still pending, then nothing is queued again', async () => {
      await addRecords(
        store,
        [
          { email: 'ada@example.com', occurredAt: T0 + 1000 },
          { email: 'bob@example.com', occurredAt: T0 + 1000 },
        ],
        T0,
      );
      const lost = claimedBatch(await store.claimBatch(REGISTER_A, options(T0, 1000)));
      await store.releaseExpiredLeases(T0 + 2000);
      await deliver(REGISTER_A, T0 + 2000);
      await addRecords(store, [{ email: 'bob@example.com', state: 'cancel', occurredAt: T0 + 5000 }], T0 + 2000);
      const late = lost.records.map((r) => ({ id: r.id, kind: 'delivered' as const }));
      expect(await store.completeDeliveries(late, T0 + 3000, lost.claimToken)).toEqual({ reasserted: 0 });
      expect((await s.records()).map((r) => [r.email, r.state, r.status])).toEqual([
        ['ada@example.com', 'register', 'delivered'],
        ['bob@example.com', 'register', 'delivered'],
        ['bob@example.com', 'cancel', 'pending'],
      ]);
    });

    it('when a claim still holds its records then the fence renews it and says so', async () => {
      await addRecords(store, [{ email: 'ada@example.com' }], T0);
      const { claimToken } = claimedBatch(await store.claimBatch(REGISTER_A, options(T0, 1000)));
      // Past its lease but not yet taken back: still this claim's, so the try may go and the lease is extended.
      expect(await store.renewLease(claimToken, T0 + 61_000)).toBe(true);
      expect(await store.releaseExpiredLeases(T0 + 30_000)).toBe(0);
    });
  });
});
