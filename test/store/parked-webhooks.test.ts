import { beforeEach, expect, it } from 'vitest';
import type { NewWebhook, Store } from '../../src/store/ports.js';
import { describeEachStore } from '../support/stores.js';

/**
 * The Store contract for parked webhooks (issue 13: verified, but their source could not read
 * them), on SQLite and PostgreSQL alike: kept and listed with the reason, never processed, never
 * waiting, one row per delivery, and a replay's readings applied.
 */

const T0 = Date.parse('2026-05-01T12:00:00Z');
const REASON = 'generic source "checkin": map.sourceEventId (data.event) has no value, found nothing';

const parked = (n: number, overrides: Partial<NewWebhook> = {}): NewWebhook => ({
  sourceId: 'checkin',
  dedupKey: `id:msg_${n}`,
  receivedAt: T0 + n,
  body: `{"n":${n}}`,
  parkedReason: `${REASON} (${n})`,
  ...overrides,
});

describeEachStore('keeps parked webhooks', (harness) => {
  let store: Store;

  beforeEach(() => {
    store = harness().store;
  });

  it('when parked webhooks are stored then they are listed newest first with their reason, and neither processed nor waiting', async () => {
    const [readable, first, second] = await store.insertWebhooks([
      { sourceId: 'checkin', dedupKey: 'id:msg_0', receivedAt: T0, body: '{"n":0}' },
      parked(1),
      parked(2),
    ]);
    expect(await store.listParkedWebhooks(10)).toEqual([
      { id: second?.id, sourceId: 'checkin', receivedAt: T0 + 2, reason: `${REASON} (2)` },
      { id: first?.id, sourceId: 'checkin', receivedAt: T0 + 1, reason: `${REASON} (1)` },
    ]);
    expect((await store.listParkedWebhooks(10, second?.id)).map((w) => w.id)).toEqual([first?.id]);
    expect((await store.unprocessedWebhooks(10)).map((w) => w.id)).toEqual([readable?.id]);
    // Not of an unknown source either: a parked webhook waits for a replay, not for a replica.
    expect(await store.countWaitingWebhooks([])).toEqual({ checkin: 1 });
    expect(await store.queueStats()).toMatchObject({ parkedWebhooks: 2, unprocessedWebhooks: 1 });
    expect((await store.listWaitingWebhooks([], 10)).map((w) => w.id)).toEqual([readable?.id]);
  });

  it('when the same delivery is parked twice then it is one row, the second a duplicate', async () => {
    const [first] = await store.insertWebhooks([parked(1)]);
    const [again] = await store.insertWebhooks([parked(1, { receivedAt: T0 + 50 })]);
    expect(again).toEqual({ id: first?.id, duplicate: true });
    expect(await store.listParkedWebhooks(10)).toHaveLength(1);
  });

  it('when a replay reads some again then those are processed next (with their details fetched first when needed) and the rest keep the new reason', async () => {
    const ids = (await store.insertWebhooks([parked(1), parked(2), parked(3)])).map((w) => w.id) as [number, number, number];
    expect((await store.parkedWebhooksToRead('all', 2)).map((w) => w.id)).toEqual([ids[0], ids[1]]);
    expect(await store.parkedWebhooksToRead([ids[2]], 10, ids[0])).toEqual([
      { id: ids[2], sourceId: 'checkin', receivedAt: T0 + 3, body: '{"n":3}' },
    ]);

    await store.settleParkedWebhooks(
      [
        { id: ids[0], readable: true, body: '{"n":1,"read":true}', needsDetails: false },
        { id: ids[1], readable: false, reason: 'still unreadable' },
        { id: ids[2], readable: true, body: '{"n":3}', needsDetails: true },
      ],
      T0 + 100,
    );

    expect(await store.unprocessedWebhooks(10)).toEqual([expect.objectContaining({ id: ids[0], body: '{"n":1,"read":true}' })]);
    expect((await store.claimWebhooksNeedingDetails(T0 + 100, 10, 60_000)).map((w) => w.id)).toEqual([ids[2]]);
    expect(await store.listParkedWebhooks(10)).toEqual([expect.objectContaining({ id: ids[1], reason: 'still unreadable' })]);
  });
});
