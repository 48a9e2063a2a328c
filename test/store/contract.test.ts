import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import type { ClaimOptions, ClaimResult, DeliveryGroup, DeliveryRecord, Store } from '../../src/store/ports.js';
import { postgresUrl } from '../support/postgres.js';
import { addRecords, emails, EVENT_A, EVENT_B } from '../support/records.js';
import { claimedBatch, claimOptions, openStoreUnderTest, schemaVersion, STORE_KINDS, type StoreUnderTest } from '../support/stores.js';

/**
 * The Store contract: every behaviour here holds for SQLite and PostgreSQL alike,
 * and every assertion goes through the Store interface or a store-agnostic reader.
 * Where the two differ on purpose (releaseInflight at start-up) each kind has its
 * own, named expectation.
 */

// Warns (and under CI=true throws) when there is no PostgreSQL: its half of the suite then shows as skipped.
const pgUrl = postgresUrl();

const T0 = Date.parse('2026-05-01T12:00:00Z');
const REGISTER_A: DeliveryGroup = { targetKey: EVENT_A, state: 'register' };
const CANCEL_A: DeliveryGroup = { targetKey: EVENT_A, state: 'cancel' };
const LATEST_VERSION = { sqlite: SQLITE_MIGRATIONS.length, postgres: POSTGRES_MIGRATIONS.length };

function options(overrides: Partial<ClaimOptions> = {}): ClaimOptions {
  return claimOptions(T0, overrides);
}

function claimed(result: ClaimResult): DeliveryRecord[] {
  return claimedBatch(result).records;
}

const noEffects = { processed: [], contacts: [], sessions: [], sourceEvents: [], records: [] };

describe('openStore', () => {
  it('when the url names an unsupported store then openStore says which schemes work', () => {
    expect(() => openStore('mysql://localhost/relay')).toThrow(/unsupported store "mysql:"/);
  });
});

describe.each(STORE_KINDS)('%s store', (kind) => {
  describe.skipIf(kind === 'postgres' && !pgUrl)('meets the Store contract', () => {
    let s: StoreUnderTest;
    let store: Store;

    beforeEach(async () => {
      s = await openStoreUnderTest(kind, pgUrl);
      store = s.store;
    });

    afterEach(async () => {
      await s?.cleanup();
    });

    describe('opening and migrating', () => {
      it('when the store is migrated twice and reopened then the schema is at the latest version and stored records survive', async () => {
        await store.migrate();
        await addRecords(store, [{ email: 'ada@example.com' }], T0);
        store = await s.reopen();
        await store.migrate();

        expect(await store.ping()).toBeUndefined();
        expect(await schemaVersion(kind, s.location)).toBe(LATEST_VERSION[kind]);
        expect(LATEST_VERSION[kind]).toBeGreaterThanOrEqual(1);
        expect((await store.countByStatus()).pending).toBe(1);
        expect(store.kind).toBe(kind);
      });

      it('when the store is open then ping proves a write, and once it is closed ping rejects', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
        await expect(store.ping()).resolves.toBeUndefined();
        await store.close();
        await expect(store.ping()).rejects.toThrow();
      });
    });

    describe('webhook inbox', () => {
      it('when the same webhook is inserted twice then the second is reported as a duplicate of the first', async () => {
        const [first] = await store.insertWebhooks([{ sourceId: 'zoom', dedupKey: 'k1', receivedAt: T0, body: '{"a":1}' }]);
        const [again, other] = await store.insertWebhooks([
          { sourceId: 'zoom', dedupKey: 'k1', receivedAt: T0 + 5, body: '{"a":1}' },
          { sourceId: 'zoom', dedupKey: 'k2', receivedAt: T0 + 6, body: '{"b":2}' },
        ]);
        expect(first).toEqual({ id: expect.any(Number), duplicate: false });
        expect(again).toEqual({ id: first?.id, duplicate: true });
        expect(other?.duplicate).toBe(false);
        expect((await store.unprocessedWebhooks(10)).map((w) => w.body)).toEqual(['{"a":1}', '{"b":2}']);
      });

      it('when one insert group holds the same webhook several times then the first is stored and the rest are its duplicates', async () => {
        const accepted = await store.insertWebhooks([
          { sourceId: 'zoom', dedupKey: 'k1', receivedAt: T0, body: '{"first":true}' },
          { sourceId: 'zoom', dedupKey: 'k1', receivedAt: T0 + 1, body: '{"first":false}' },
          { sourceId: 'zoom', dedupKey: 'k2', receivedAt: T0 + 2, body: '{"k2":true}' },
          // Same dedup key from another source is another webhook.
          { sourceId: 'other', dedupKey: 'k1', receivedAt: T0 + 3, body: '{"other":true}' },
          { sourceId: 'zoom', dedupKey: 'k1', receivedAt: T0 + 4, body: '{"first":false}' },
        ]);
        const [k1, k1again, k2, otherK1, k1third] = accepted;
        expect(accepted.map((a) => a.duplicate)).toEqual([false, true, false, false, true]);
        expect(k1again?.id).toBe(k1?.id);
        expect(k1third?.id).toBe(k1?.id);
        expect(new Set([k1?.id, k2?.id, otherK1?.id]).size).toBe(3);
        const unprocessed = await store.unprocessedWebhooks(10);
        expect(unprocessed.map((w) => [w.sourceId, w.body])).toEqual([
          ['zoom', '{"first":true}'],
          ['zoom', '{"k2":true}'],
          ['other', '{"other":true}'],
        ]);
        expect(unprocessed[0]).toEqual({ id: k1?.id, sourceId: 'zoom', receivedAt: T0, body: '{"first":true}', details: null });
      });

      it('when more webhooks wait than the limit then the oldest are handed out first', async () => {
        await store.insertWebhooks(['a', 'b', 'c'].map((k, i) => ({ sourceId: 'zoom', dedupKey: k, receivedAt: T0 + i, body: `"${k}"` })));
        expect((await store.unprocessedWebhooks(2)).map((w) => w.body)).toEqual(['"a"', '"b"']);
      });

      it('when a webhook is committed as processed then it is no longer handed out for processing', async () => {
        const [row, other] = await store.insertWebhooks([
          { sourceId: 'zoom', dedupKey: 'k1', receivedAt: T0, body: '{}' },
          { sourceId: 'zoom', dedupKey: 'k2', receivedAt: T0, body: '{"left":1}' },
        ]);
        await store.commitEffects({ ...noEffects, processed: [{ inboxId: row!.id, outcome: 'records=1' }] }, T0);
        expect((await store.unprocessedWebhooks(10)).map((w) => w.id)).toEqual([other!.id]);
        // A processed webhook delivered again is still a duplicate.
        expect(await store.insertWebhooks([{ sourceId: 'zoom', dedupKey: 'k1', receivedAt: T0 + 9, body: '{}' }])).toEqual([
          { id: row!.id, duplicate: true },
        ]);
        expect((await store.unprocessedWebhooks(10)).map((w) => w.id)).toEqual([other!.id]);
      });
    });

    describe('recording attendance', () => {
      it('when a record has a target then it is pending, and without one it is unmapped until its event is mapped', async () => {
        await addRecords(store, [{ email: 'ada@example.com' }, { email: 'bob@example.com', targetKey: null, sourceEventId: '777' }], T0);
        expect(await store.countByStatus()).toMatchObject({ pending: 1, unmapped: 1 });
        expect(await store.unmappedEvents()).toEqual([{ sourceId: 'zoom', sourceEventId: '777' }]);
        expect(await store.pendingGroups()).toEqual([REGISTER_A]);

        expect(await store.mapRecords('zoom', '777', EVENT_B, T0 + 1)).toBe(1);
        expect(await store.mapRecords('zoom', '777', EVENT_B, T0 + 2)).toBe(0);
        expect(await store.unmappedEvents()).toEqual([]);
        expect((await s.recordsOf('bob@example.com'))[0]).toMatchObject({ status: 'pending', target_key: EVENT_B });
        expect(claimed(await store.claimBatch({ targetKey: EVENT_B, state: 'register' }, options({ now: T0 + 1 })))).toHaveLength(1);
      });

      it('when a newer attend arrives for the same contact then the unsent older attend is superseded', async () => {
        await addRecords(store, [{ email: 'ada@example.com', state: 'attend' }], T0);
        await addRecords(store, [{ email: 'ada@example.com', state: 'attend', occurredAt: T0 + 60_000 }], T0 + 1);
        expect((await s.recordsOf('ada@example.com')).map((r) => r.status)).toEqual(['superseded', 'pending']);
      });

      it('when one commit holds two attends of the same contact then only the later one is left to send', async () => {
        await addRecords(
          store,
          [
            { email: 'ada@example.com', state: 'attend', occurredAt: T0 },
            { email: 'bob@example.com', state: 'attend', occurredAt: T0 },
            { email: 'ada@example.com', state: 'attend', occurredAt: T0 + 60_000 },
          ],
          T0,
        );
        expect((await s.records()).map((r) => [r.email, r.status])).toEqual([
          ['ada@example.com', 'superseded'],
          ['bob@example.com', 'pending'],
          ['ada@example.com', 'pending'],
        ]);
      });

      it('when an attend was already delivered then a newer attend does not touch it', async () => {
        await addRecords(store, [{ email: 'ada@example.com', state: 'attend' }], T0);
        const [record] = claimed(await store.claimBatch({ targetKey: EVENT_A, state: 'attend' }, options()));
        await store.completeDeliveries([{ id: record!.id, kind: 'delivered', vid: 100001 }], T0);
        await addRecords(store, [{ email: 'ada@example.com', state: 'attend', occurredAt: T0 + 60_000 }], T0 + 1);
        expect((await s.recordsOf('ada@example.com')).map((r) => r.status)).toEqual(['delivered', 'pending']);
      });

      it('when contacts, sessions and event times are committed then they can be read back', async () => {
        await store.commitEffects(
          {
            processed: [],
            contacts: [{ sourceId: 'zoom', contactKey: 'reg-1', contact: { email: 'ada@example.com', firstName: 'Ada' } }],
            sessions: [
              {
                sourceId: 'zoom',
                sourceEventId: '9001',
                occurrence: '',
                email: 'ada@example.com',
                times: { firstJoin: T0, lastJoin: T0 },
                contact: { email: 'ada@example.com' },
              },
            ],
            sourceEvents: [{ sourceId: 'zoom', sourceEventId: '9001', startsAt: T0 }],
            records: [],
          },
          T0,
        );
        expect(await store.findContact('zoom', 'reg-1')).toEqual({ email: 'ada@example.com', firstName: 'Ada' });
        expect(await store.findContact('zoom', 'reg-2')).toBeUndefined();
        expect((await store.findSession('zoom', '9001', '', 'ada@example.com'))?.times).toMatchObject({ firstJoin: T0, lastJoin: T0 });
        expect(await store.findSession('zoom', '9001', '', 'bob@example.com')).toBeUndefined();
        expect((await store.openSessionsOfEvent('zoom', '9001', '')).map((s) => s.email)).toEqual(['ada@example.com']);
        expect(await store.openSessionsJoinedBefore(T0 + 1, 10)).toHaveLength(1);
        expect(await store.openSessionsJoinedBefore(T0, 10)).toHaveLength(0);
        expect(await store.findSourceEvent('zoom', '9001')).toEqual({
          sourceId: 'zoom',
          sourceEventId: '9001',
          occurrence: '',
          startsAt: T0,
          endsAt: undefined,
          endedAt: undefined,
        });
        expect(await store.findSourceEvent('zoom', '9002')).toBeUndefined();
      });

      it('when a contact, a session and event times are committed again then the newer values replace the old and known event times stay', async () => {
        const session = {
          sourceId: 'zoom',
          sourceEventId: '9001',
          occurrence: '',
          email: 'ada@example.com',
          contact: { email: 'ada@example.com' },
        };
        await store.commitEffects(
          {
            ...noEffects,
            contacts: [{ sourceId: 'zoom', contactKey: 'reg-1', contact: { email: 'ada@example.com' } }],
            sessions: [{ ...session, times: { firstJoin: T0, lastJoin: T0 } }],
            sourceEvents: [{ sourceId: 'zoom', sourceEventId: '9001', startsAt: T0 }],
          },
          T0,
        );
        await store.commitEffects(
          {
            ...noEffects,
            contacts: [{ sourceId: 'zoom', contactKey: 'reg-1', contact: { email: 'ada@example.com', lastName: 'Lovelace' } }],
            sessions: [{ ...session, times: { firstJoin: T0, lastJoin: T0, lastLeave: T0 + 60_000, sentJoin: T0 } }],
            sourceEvents: [{ sourceId: 'zoom', sourceEventId: '9001', endsAt: T0 + 3_600_000 }],
          },
          T0 + 60_000,
        );
        expect(await store.findContact('zoom', 'reg-1')).toEqual({ email: 'ada@example.com', lastName: 'Lovelace' });
        expect((await store.findSession('zoom', '9001', '', 'ada@example.com'))?.times).toEqual({
          firstJoin: T0,
          lastJoin: T0,
          lastLeave: T0 + 60_000,
          closedAt: undefined,
          sentJoin: T0,
          sentLeave: undefined,
        });
        // Left: no longer open.
        expect(await store.openSessionsOfEvent('zoom', '9001', '')).toEqual([]);
        expect(await store.openSessionsJoinedBefore(T0 + 1, 10)).toEqual([]);
        expect(await store.findSourceEvent('zoom', '9001')).toMatchObject({ startsAt: T0, endsAt: T0 + 3_600_000 });
      });
    });

    describe('processing rounds', () => {
      it('when a round runs exclusively then it reads and writes through its view and its value comes back', async () => {
        const [webhook] = await store.insertWebhooks([{ sourceId: 'zoom', dedupKey: 'k1', receivedAt: T0, body: '{"n":1}' }]);
        const turn = await store.processExclusively(async (view) => {
          const rows = await view.unprocessedWebhooks(10);
          await view.commitEffects(
            {
              ...noEffects,
              processed: rows.map((r) => ({ inboxId: r.id, outcome: 'ok' })),
              contacts: [{ sourceId: 'zoom', contactKey: 'reg-1', contact: { email: 'ada@example.com' } }],
            },
            T0,
          );
          expect(await view.findContact('zoom', 'reg-1')).toEqual({ email: 'ada@example.com' });
          return rows.map((r) => r.id);
        });
        expect(turn).toEqual({ ran: true, value: [webhook!.id] });
        expect(await store.unprocessedWebhooks(10)).toEqual([]);
        expect(await store.findContact('zoom', 'reg-1')).toEqual({ email: 'ada@example.com' });
      });

      it('when a round throws then processExclusively rejects with its error and the next round still runs', async () => {
        await expect(
          store.processExclusively(async () => {
            throw new Error('round failed');
          }),
        ).rejects.toThrow('round failed');
        expect(await store.processExclusively(async () => 'again')).toEqual({ ran: true, value: 'again' });
      });
    });

    describe('claiming batches', () => {
      it('when records of several events and states are pending then each group is claimed on its own, oldest first, up to the batch size', async () => {
        const people = emails(5);
        await addRecords(
          store,
          [
            ...people.map((email, i) => ({ email, occurredAt: T0 - i * 1000 })),
            { email: 'x@example.com', targetKey: EVENT_B },
            { email: 'y@example.com', state: 'cancel' as const },
          ],
          T0,
        );
        const groups = await store.pendingGroups();
        expect(groups).toHaveLength(3);
        expect(groups).toEqual(expect.arrayContaining([REGISTER_A, CANCEL_A, { targetKey: EVENT_B, state: 'register' }]));

        const first = claimedBatch(await store.claimBatch(REGISTER_A, options({ batchSize: 3 })));
        expect(first.records.map((r) => r.email)).toEqual([people[4], people[3], people[2]]);
        expect(first.records.every((r) => r.targetKey === EVENT_A && r.state === 'register')).toBe(true);
        expect(first.records[0]).toMatchObject({
          sourceId: 'zoom',
          sourceEventId: '9001',
          attempts: 0,
          createdAt: T0,
          occurredAt: T0 - 4000,
        });
        expect(first.records[0]?.input).toMatchObject({ email: people[4], interactionDateTime: T0 - 4000 });

        const second = claimedBatch(await store.claimBatch(REGISTER_A, options({ batchSize: 3 })));
        expect(second.records.map((r) => r.email)).toEqual([people[1], people[0]]);
        expect(first.claimToken).toEqual(expect.any(String));
        expect(second.claimToken).not.toBe(first.claimToken);
        expect((await store.countByStatus()).inflight).toBe(5);
        expect(await store.pendingGroups()).toEqual(expect.arrayContaining([CANCEL_A, { targetKey: EVENT_B, state: 'register' }]));
        expect(await store.pendingGroups()).toHaveLength(2);
        // Batches in flight may still come back for a retry: the group is empty but not drained.
        expect(await store.claimBatch(REGISTER_A, options())).toEqual({ kind: 'empty', nextAt: undefined, drained: false });

        const all = [...first.records, ...second.records];
        await store.completeDeliveries(
          all.map((r) => ({ id: r.id, kind: 'delivered' as const })),
          T0,
        );
        expect(await store.claimBatch(REGISTER_A, options())).toEqual({ kind: 'empty', nextAt: undefined, drained: true });
      });

      it('when a partial batch is younger than batchWaitMs then it waits until the oldest record has waited that long', async () => {
        await addRecords(store, [{ email: 'ada@example.com' }, { email: 'bob@example.com' }], T0);
        const early = await store.claimBatch(REGISTER_A, options({ now: T0 + 100, batchWaitMs: 1000, batchSize: 10 }));
        expect(early).toEqual({ kind: 'waiting', until: T0 + 1000 });
        expect((await store.countByStatus()).inflight).toBe(0);

        const late = claimed(await store.claimBatch(REGISTER_A, options({ now: T0 + 1000, batchWaitMs: 1000, batchSize: 10 })));
        expect(late).toHaveLength(2);
      });

      it('when a young batch is already full then it is claimed without waiting', async () => {
        await addRecords(
          store,
          emails(4).map((email) => ({ email })),
          T0,
        );
        const batch = claimed(await store.claimBatch(REGISTER_A, options({ now: T0, batchWaitMs: 60_000, batchSize: 4 })));
        expect(batch).toHaveLength(4);
      });

      it('when a record waits for its retry then the group is empty but says when the retry is due', async () => {
        await addRecords(store, [{ email: 'ada@example.com' }], T0);
        const [record] = claimed(await store.claimBatch(REGISTER_A, options()));
        await store.completeDeliveries(
          [{ id: record!.id, kind: 'retry', error: 'HTTP 503: down', notBefore: T0 + 5000, countAttempt: true }],
          T0,
        );

        expect(await store.claimBatch(REGISTER_A, options({ now: T0 + 10 }))).toEqual({ kind: 'empty', nextAt: T0 + 5000, drained: false });
        const retried = claimed(await store.claimBatch(REGISTER_A, options({ now: T0 + 5000, batchWaitMs: 60_000 })));
        // A retried record goes out at once even as a partial batch.
        expect(retried.map((r) => [r.email, r.attempts])).toEqual([['ada@example.com', 1]]);
      });

      it('when one email has two records in the same group then only the earlier one is claimed until it is done', async () => {
        await addRecords(
          store,
          [
            { email: 'ada@example.com', occurredAt: T0 + 2000 },
            { email: 'ada@example.com', occurredAt: T0 + 1000 },
            { email: 'bob@example.com', occurredAt: T0 + 1500 },
          ],
          T0,
        );
        const batch = claimed(await store.claimBatch(REGISTER_A, options()));
        expect(batch.map((r) => [r.email, r.occurredAt])).toEqual([
          ['ada@example.com', T0 + 1000],
          ['bob@example.com', T0 + 1500],
        ]);
        expect(new Set(batch.map((r) => r.email)).size).toBe(batch.length);
        expect(await store.claimBatch(REGISTER_A, options())).toMatchObject({ kind: 'empty', drained: false });

        await store.completeDeliveries(
          batch.map((r) => ({ id: r.id, kind: 'delivered' as const })),
          T0,
        );
        const next = claimed(await store.claimBatch(REGISTER_A, options()));
        expect(next.map((r) => [r.email, r.occurredAt])).toEqual([['ada@example.com', T0 + 2000]]);
      });

      it('when a register is pending, in flight or waiting for a retry then the later cancel of the same contact is not claimed', async () => {
        await addRecords(
          store,
          [
            { email: 'ada@example.com', state: 'register', occurredAt: T0 + 1000 },
            { email: 'ada@example.com', state: 'cancel', occurredAt: T0 + 2000 },
            { email: 'bob@example.com', state: 'cancel', occurredAt: T0 + 3000 },
          ],
          T0,
        );
        // pending
        expect(claimed(await store.claimBatch(CANCEL_A, options())).map((r) => r.email)).toEqual(['bob@example.com']);
        // in flight
        const [register] = claimed(await store.claimBatch(REGISTER_A, options()));
        expect(await store.claimBatch(CANCEL_A, options())).toMatchObject({ kind: 'empty' });
        // waiting for a retry
        await store.completeDeliveries(
          [{ id: register!.id, kind: 'retry', error: 'HTTP 502', notBefore: T0 + 60_000, countAttempt: true }],
          T0,
        );
        expect(await store.claimBatch(CANCEL_A, options({ now: T0 + 30_000 }))).toMatchObject({ kind: 'empty' });
        // done
        await store.claimBatch(REGISTER_A, options({ now: T0 + 60_000 }));
        await store.completeDeliveries([{ id: register!.id, kind: 'delivered', vid: 1 }], T0 + 60_000);
        expect(claimed(await store.claimBatch(CANCEL_A, options({ now: T0 + 60_000 }))).map((r) => r.email)).toEqual(['ada@example.com']);
      });

      it('when the earlier record of a contact is dead then the later one is released', async () => {
        await addRecords(
          store,
          [
            { email: 'ada@example.com', state: 'register', occurredAt: T0 + 1000 },
            { email: 'ada@example.com', state: 'cancel', occurredAt: T0 + 2000 },
          ],
          T0,
        );
        const [register] = claimed(await store.claimBatch(REGISTER_A, options()));
        await store.completeDeliveries([{ id: register!.id, kind: 'dead', error: 'VALIDATION_ERROR: bad' }], T0);
        expect(claimed(await store.claimBatch(CANCEL_A, options()))).toHaveLength(1);
      });

      it('when the same email has records in two different HubSpot events then neither holds up the other', async () => {
        await addRecords(
          store,
          [
            { email: 'ada@example.com', targetKey: EVENT_A, occurredAt: T0 + 1000 },
            { email: 'ada@example.com', targetKey: EVENT_B, occurredAt: T0 + 2000 },
          ],
          T0,
        );
        expect(claimed(await store.claimBatch({ targetKey: EVENT_B, state: 'register' }, options()))).toHaveLength(1);
      });
    });

    describe('recording outcomes', () => {
      it('when outcomes are recorded then the store holds vid, attempts, next attempt and the last error', async () => {
        await addRecords(
          store,
          emails(4).map((email) => ({ email })),
          T0,
        );
        const [a, b, c, d] = claimed(await store.claimBatch(REGISTER_A, options()));
        await store.completeDeliveries(
          [
            { id: a!.id, kind: 'delivered', vid: 100001 },
            { id: b!.id, kind: 'retry', error: 'HTTP 503: Service Unavailable', notBefore: T0 + 7000, countAttempt: true },
            {
              id: c!.id,
              kind: 'retry',
              error: 'HTTP 429: You have reached your ten_secondly_rolling limit.',
              notBefore: T0,
              countAttempt: false,
            },
            { id: d!.id, kind: 'dead', error: 'VALIDATION_ERROR: Invalid email' },
          ],
          T0 + 1,
        );
        const rows = await s.records();
        expect(rows.map((r) => [r.status, r.vid, r.attempts, r.last_error, r.claim_token, r.lease_until])).toEqual([
          ['delivered', 100001, 0, null, null, null],
          ['pending', null, 1, 'HTTP 503: Service Unavailable', null, null],
          ['pending', null, 0, 'HTTP 429: You have reached your ten_secondly_rolling limit.', null, null],
          ['dead', null, 1, 'VALIDATION_ERROR: Invalid email', null, null],
        ]);
        expect(rows[1]?.next_attempt_at).toBe(T0 + 7000);
        expect(await store.countByStatus()).toEqual({ unmapped: 0, pending: 2, inflight: 0, delivered: 1, dead: 1, superseded: 0 });
      });

      it('when a retried record is finally delivered then its last error is cleared', async () => {
        await addRecords(store, [{ email: 'ada@example.com' }], T0);
        const [record] = claimed(await store.claimBatch(REGISTER_A, options()));
        await store.completeDeliveries([{ id: record!.id, kind: 'retry', error: 'HTTP 500', notBefore: T0, countAttempt: true }], T0);
        claimed(await store.claimBatch(REGISTER_A, options()));
        await store.completeDeliveries([{ id: record!.id, kind: 'delivered', vid: 42 }], T0);
        expect((await s.records())[0]).toMatchObject({ status: 'delivered', vid: 42, last_error: null, attempts: 1 });
      });
    });

    describe('claims and leases', () => {
      it('when a claim is made then its records carry the claim token and a lease of leaseMs', async () => {
        await addRecords(
          store,
          emails(2).map((email) => ({ email })),
          T0,
        );
        const { claimToken } = claimedBatch(await store.claimBatch(REGISTER_A, options({ leaseMs: 30_000 })));
        expect((await s.records()).map((r) => [r.status, r.claim_token, r.lease_until])).toEqual([
          ['inflight', claimToken, T0 + 30_000],
          ['inflight', claimToken, T0 + 30_000],
        ]);
      });

      it('when a lease has expired then releaseExpiredLeases makes its records pending again, and an unexpired lease stays', async () => {
        await addRecords(store, [{ email: 'ada@example.com' }, { email: 'bob@example.com', state: 'cancel' }], T0);
        const short = claimedBatch(await store.claimBatch(REGISTER_A, options({ leaseMs: 10_000 })));
        const long = claimedBatch(await store.claimBatch(CANCEL_A, options({ leaseMs: 60_000 })));

        expect(await store.releaseExpiredLeases(T0 + 5_000)).toBe(0);
        expect(await store.releaseExpiredLeases(T0 + 10_001)).toBe(1);
        expect((await s.records()).map((r) => [r.email, r.status, r.claim_token])).toEqual([
          ['ada@example.com', 'pending', null],
          ['bob@example.com', 'inflight', long.claimToken],
        ]);
        expect(await store.releaseExpiredLeases(T0 + 10_002)).toBe(0);

        const again = claimedBatch(await store.claimBatch(REGISTER_A, options({ now: T0 + 10_001 })));
        expect(again.records.map((r) => r.id)).toEqual(short.records.map((r) => r.id));
        expect(again.claimToken).not.toBe(short.claimToken);
        expect(again.records[0]?.attempts).toBe(0);
      });

      it('when a lease is renewed then it runs until the new time, and a renewal with another token changes nothing', async () => {
        await addRecords(store, [{ email: 'ada@example.com' }], T0);
        const { claimToken } = claimedBatch(await store.claimBatch(REGISTER_A, options({ leaseMs: 10_000 })));
        expect(await store.renewLease(claimToken, T0 + 40_000)).toBe(true);
        expect(await store.renewLease('not-a-claim-token', T0 + 90_000)).toBe(false);
        expect((await s.records())[0]).toMatchObject({ status: 'inflight', lease_until: T0 + 40_000, claim_token: claimToken });
        expect(await store.releaseExpiredLeases(T0 + 20_000)).toBe(0);
        expect(await store.releaseExpiredLeases(T0 + 40_001)).toBe(1);

        // Renewing a lease already lost does not bring the claim back, and says so.
        expect(await store.renewLease(claimToken, T0 + 100_000)).toBe(false);
        expect((await s.records())[0]).toMatchObject({ status: 'pending', claim_token: null });
      });

      it('when a claim was released and claimed again under another token then outcomes sent with the old token change nothing', async () => {
        await addRecords(
          store,
          emails(3).map((email) => ({ email })),
          T0,
        );
        const old = claimedBatch(await store.claimBatch(REGISTER_A, options({ leaseMs: 1_000 })));
        expect(await store.releaseExpiredLeases(T0 + 2_000)).toBe(3);
        const current = claimedBatch(await store.claimBatch(REGISTER_A, options({ now: T0 + 2_000, leaseMs: 60_000 })));
        expect(current.records.map((r) => r.id)).toEqual(old.records.map((r) => r.id));
        const before = await s.records();

        const [a, b, c] = old.records;
        await store.completeDeliveries(
          [
            { id: a!.id, kind: 'delivered', vid: 7 },
            { id: b!.id, kind: 'retry', error: 'HTTP 503', notBefore: T0 + 9_000, countAttempt: true },
            { id: c!.id, kind: 'dead', error: 'VALIDATION_ERROR' },
          ],
          T0 + 2_500,
          old.claimToken,
        );
        expect(await s.records()).toEqual(before);
        expect(before.every((r) => r.status === 'inflight' && r.claim_token === current.claimToken)).toBe(true);

        await store.completeDeliveries(
          current.records.map((r) => ({ id: r.id, kind: 'delivered' as const, vid: r.id })),
          T0 + 3_000,
          current.claimToken,
        );
        expect((await s.records()).map((r) => [r.status, r.vid, r.claim_token])).toEqual(
          current.records.map((r) => ['delivered', r.id, null]),
        );
      });

      it('when a claim was released but not yet claimed again then outcomes sent with its token leave the records pending', async () => {
        await addRecords(store, [{ email: 'ada@example.com' }], T0);
        const old = claimedBatch(await store.claimBatch(REGISTER_A, options({ leaseMs: 1_000 })));
        expect(await store.releaseExpiredLeases(T0 + 2_000)).toBe(1);
        await store.completeDeliveries([{ id: old.records[0]!.id, kind: 'delivered', vid: 1 }], T0 + 2_001, old.claimToken);
        expect((await s.records())[0]).toMatchObject({ status: 'pending', vid: null, attempts: 0 });
        expect(claimed(await store.claimBatch(REGISTER_A, options({ now: T0 + 2_002 })))).toHaveLength(1);
      });
    });

    describe('restart safety', () => {
      it('when records were left in flight by a stopped process and their lease ran out then releaseInflight at start-up makes them claimable again', async () => {
        await addRecords(
          store,
          emails(3).map((email) => ({ email })),
          T0,
        );
        const batch = claimed(await store.claimBatch(REGISTER_A, options({ leaseMs: 60_000 })));
        expect(batch).toHaveLength(3);

        // A new process opens the same data.
        store = await s.reopen();
        expect(await store.claimBatch(REGISTER_A, options())).toMatchObject({ kind: 'empty', drained: false });
        expect(await store.releaseInflight(T0 + 120_000)).toBe(3);
        expect((await s.records()).map((r) => [r.status, r.claim_token])).toEqual([
          ['pending', null],
          ['pending', null],
          ['pending', null],
        ]);
        expect(await store.pendingGroups()).toEqual([REGISTER_A]);
        expect(claimed(await store.claimBatch(REGISTER_A, options({ now: T0 + 120_000 }))).map((r) => r.id)).toEqual(
          batch.map((r) => r.id),
        );
      });

      if (kind === 'sqlite') {
        it('on SQLite, when the process starts then releaseInflight releases every in-flight record, even with an unexpired lease (one process owns the file)', async () => {
          await addRecords(
            store,
            emails(3).map((email) => ({ email })),
            T0,
          );
          claimed(await store.claimBatch(REGISTER_A, options({ leaseMs: 60_000 })));
          store = await s.reopen();
          expect(await store.releaseInflight(T0 + 1)).toBe(3);
          expect((await store.countByStatus()).pending).toBe(3);
          claimed(await store.claimBatch(REGISTER_A, options({ now: T0 + 1 })));
          expect(await store.releaseInflight()).toBe(3);
          expect(await store.releaseInflight()).toBe(0);
        });
      }

      if (kind === 'postgres') {
        it('on PostgreSQL, when a replica starts then releaseInflight releases only expired leases (other replicas may be alive)', async () => {
          await addRecords(store, [{ email: 'ada@example.com' }, { email: 'bob@example.com', state: 'cancel' }], T0);
          const alive = claimedBatch(await store.claimBatch(REGISTER_A, options({ leaseMs: 60_000 })));
          const dead = claimedBatch(await store.claimBatch(CANCEL_A, options({ leaseMs: 1_000 })));

          const starting = await s.open();
          expect(await starting.releaseInflight(T0 + 5_000)).toBe(1);
          expect((await s.records()).map((r) => [r.email, r.status, r.claim_token])).toEqual([
            ['ada@example.com', 'inflight', alive.claimToken],
            ['bob@example.com', 'pending', null],
          ]);
          // The replica that is alive still finishes its batch.
          await store.completeDeliveries([{ id: alive.records[0]!.id, kind: 'delivered', vid: 5 }], T0 + 6_000, alive.claimToken);
          expect((await s.recordsOf('ada@example.com'))[0]).toMatchObject({ status: 'delivered', vid: 5 });
          expect(claimed(await starting.claimBatch(CANCEL_A, options({ now: T0 + 5_000 }))).map((r) => r.id)).toEqual(
            dead.records.map((r) => r.id),
          );
        });
      }

      it('when releaseInflight runs then delivered and dead records stay as they are', async () => {
        await addRecords(
          store,
          emails(2).map((email) => ({ email })),
          T0,
        );
        const [a, b] = claimed(await store.claimBatch(REGISTER_A, options()));
        await store.completeDeliveries(
          [
            { id: a!.id, kind: 'delivered' },
            { id: b!.id, kind: 'dead', error: 'x' },
          ],
          T0,
        );
        expect(await store.releaseInflight(T0 + 120_000)).toBe(0);
        expect((await s.records()).map((r) => r.status)).toEqual(['delivered', 'dead']);
      });
    });

    describe('pruning', () => {
      it('when pruning then only delivered and superseded records and processed webhooks older than the cutoff go', async () => {
        const [webhook] = await store.insertWebhooks([{ sourceId: 'zoom', dedupKey: 'k1', receivedAt: T0, body: '{}' }]);
        await store.insertWebhooks([{ sourceId: 'zoom', dedupKey: 'k2', receivedAt: T0, body: '{}' }]);
        await store.commitEffects({ ...noEffects, processed: [{ inboxId: webhook!.id, outcome: 'ok' }] }, T0);
        await addRecords(store, [{ email: 'a@example.com' }, { email: 'b@example.com' }, { email: 'c@example.com' }], T0);
        await addRecords(store, [{ email: 'd@example.com', state: 'attend' }], T0);
        await addRecords(store, [{ email: 'd@example.com', state: 'attend', occurredAt: T0 + 1 }], T0);
        const [a, b] = claimed(await store.claimBatch(REGISTER_A, options({ batchSize: 2 })));
        await store.completeDeliveries(
          [
            { id: a!.id, kind: 'delivered' },
            { id: b!.id, kind: 'dead', error: 'x' },
          ],
          T0,
        );

        // Nothing is old enough yet.
        expect(await store.prune(T0, T0)).toEqual({ records: 0, webhooks: 0 });
        expect(await store.prune(T0 + 1, T0 + 1)).toEqual({ records: 2, webhooks: 1 });
        expect((await s.records()).map((r) => [r.email, r.status])).toEqual([
          ['b@example.com', 'dead'],
          ['c@example.com', 'pending'],
          ['d@example.com', 'pending'],
        ]);
        expect(await store.unprocessedWebhooks(10)).toHaveLength(1);
        expect(await store.prune(T0 + 1, T0 + 1)).toEqual({ records: 0, webhooks: 0 });
      });
    });
  });
});
