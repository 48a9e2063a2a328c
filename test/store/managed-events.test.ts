import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotedEvent, Store } from '../../src/store/ports.js';
import { postgresUrl } from '../support/postgres.js';
import { openStoreUnderTest, STORE_KINDS, type StoreUnderTest } from '../support/stores.js';

/** The managed HubSpot events (createEvents, issue 14) on SQLite and PostgreSQL alike. */

const pgUrl = postgresUrl();
const T0 = Date.parse('2026-05-01T12:00:00Z');
const LEASE = 60_000;
const INTERVAL = 60_000;

function noted(overrides: Partial<NotedEvent> = {}): NotedEvent {
  return {
    sourceId: 'zoom',
    sourceEventId: '8123',
    targetKey: 'external:acct:8123',
    externalAccountId: 'acct',
    externalEventId: '8123',
    details: { name: 'Quarterly update', startsAt: '2026-05-02T15:00:00.000Z' },
    ...overrides,
  };
}

describe.each(STORE_KINDS)('%s store', (kind) => {
  describe.skipIf(kind === 'postgres' && !pgUrl)('managed HubSpot events', () => {
    let s: StoreUnderTest;
    let store: Store;

    beforeEach(async () => {
      s = await openStoreUnderTest(kind, pgUrl);
      store = s.store;
    });
    afterEach(async () => {
      await s?.cleanup();
    });

    it('claims a new event once under a lease, and holds its target until created', async () => {
      await store.noteEvents([noted()], T0);
      expect(await store.managedTargetState('external:acct:8123')).toBe('pending');
      expect(await store.managedTargetState('external:acct:other')).toBeUndefined();
      const [claimed, ...rest] = await store.claimDueEvents(T0, 10, LEASE, INTERVAL);
      expect(rest).toEqual([]);
      expect(claimed).toMatchObject({ state: 'pending', details: { name: 'Quarterly update' } });
      // Another replica (or the next pass) sees it leased.
      expect(await store.claimDueEvents(T0 + 1, 10, LEASE, INTERVAL)).toEqual([]);

      await store.settleEvent('zoom', '8123', { kind: 'created', objectId: '700', sent: '{"a":1}' }, T0 + 2);
      expect(await store.managedTargetState('external:acct:8123')).toBe('created');
      expect(await store.claimDueEvents(T0 + 3, 10, LEASE, INTERVAL)).toEqual([]);
    });

    it('keeps a finish once set, except that a cancel replaces a complete waiting for the scheduled end', async () => {
      const atEnd = { kind: 'complete' as const, startDateTime: '', endDateTime: '', atScheduledEnd: true };
      await store.noteEvents([noted({ finish: atEnd })], T0);
      await store.noteEvents([noted({ finish: { kind: 'cancel' } })], T0 + 1);
      await store.noteEvents([noted({ sourceEventId: '9001', externalEventId: '9001', finish: { ...atEnd, atScheduledEnd: false } })], T0);
      await store.noteEvents([noted({ sourceEventId: '9001', externalEventId: '9001', finish: { kind: 'cancel' } })], T0 + 1);
      const finishes = Object.fromEntries((await store.listManagedEvents(10)).map((e) => [e.sourceEventId, e.finish?.kind]));
      expect(finishes).toEqual({ '8123': 'cancel', '9001': 'complete' });
    });

    it("tells a noted event's external account (its later records keep that target)", async () => {
      expect(await store.managedEventAccount('zoom', '8123')).toBeUndefined();
      await store.noteEvents([noted()], T0);
      await store.noteEvents([noted({ externalAccountId: 'other', targetKey: 'external:other:8123' })], T0 + 1);
      expect(await store.managedEventAccount('zoom', '8123')).toBe('acct');
    });

    it('hands a due event to one of two claims made at once (replicas create it once)', async () => {
      await store.noteEvents([noted(), noted({ sourceEventId: '9001', externalEventId: '9001', targetKey: 'external:acct:9001' })], T0);
      const [first, second] = await Promise.all([
        store.claimDueEvents(T0, 10, LEASE, INTERVAL),
        store.claimDueEvents(T0, 10, LEASE, INTERVAL),
      ]);
      const ids = [...(first ?? []), ...(second ?? [])].map((e) => e.sourceEventId).sort();
      expect(ids).toEqual(['8123', '9001']);
    });

    it('merges later details, and claims an update only after the interval', async () => {
      await store.noteEvents([noted()], T0);
      await store.claimDueEvents(T0, 10, LEASE, INTERVAL);
      await store.settleEvent('zoom', '8123', { kind: 'created', objectId: '700', sent: '{}' }, T0);
      await store.noteEvents([noted({ details: { name: 'Renamed' } })], T0 + 1000);
      expect(await store.claimDueEvents(T0 + 1000, 10, LEASE, INTERVAL)).toEqual([]);
      const [due] = await store.claimDueEvents(T0 + INTERVAL, 10, LEASE, INTERVAL);
      expect(due?.details).toEqual({ name: 'Renamed', startsAt: '2026-05-02T15:00:00.000Z' });
    });

    it('keeps a finish, and dead-letters nothing but pending records of a refused event', async () => {
      await store.noteEvents([noted({ finish: { kind: 'cancel' } })], T0);
      await store.noteEvents([noted({ finish: { kind: 'complete', startDateTime: 'a', endDateTime: 'b' } })], T0 + 1);
      const [claimed] = await store.claimDueEvents(T0 + 2, 10, LEASE, INTERVAL);
      expect(claimed?.finish).toEqual({ kind: 'cancel' });
      await store.settleEvent('zoom', '8123', { kind: 'dead', error: 'HubSpot 400: bad organizer' }, T0 + 3);
      expect(await store.listManagedEvents(10)).toEqual([
        expect.objectContaining({ state: 'dead', lastError: 'HubSpot 400: bad organizer', objectId: undefined }),
      ]);
      expect(await store.deadLetterRecordsOf('external:acct:8123', 'refused', T0)).toBe(0);
      await store.reconsiderEvents(T0 + 4);
      expect(await store.managedTargetState('external:acct:8123')).toBe('pending');
    });
  });
});
