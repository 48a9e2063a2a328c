import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import type { ClaimOptions, ClaimResult, DeliveryGroup, DeliveryRecord, Store } from '../../src/store/types.js';
import { addRecords, emails, EVENT_A, EVENT_B, readRecords, recordsOf } from '../support/records.js';
import { tempDir } from '../support/temp.js';

const T0 = Date.parse('2026-05-01T12:00:00Z');
const REGISTER_A: DeliveryGroup = { targetKey: EVENT_A, state: 'register' };
const CANCEL_A: DeliveryGroup = { targetKey: EVENT_A, state: 'cancel' };

let temp: ReturnType<typeof tempDir>;
let dbFile: string;
let store: Store;

beforeEach(async () => {
  temp = tempDir('store-test-');
  dbFile = join(temp.dir, 'nested', 'relay.db');
  store = openStore(`sqlite:${dbFile}`);
  await store.migrate();
});

afterEach(async () => {
  await store.close();
  temp.remove();
});

function options(overrides: Partial<ClaimOptions> = {}): ClaimOptions {
  return { now: T0, batchSize: 100, batchWaitMs: 0, leaseMs: 60_000, ...overrides };
}

function claimed(result: ClaimResult): DeliveryRecord[] {
  if (result.kind !== 'claimed') throw new Error(`expected a claimed batch, got ${JSON.stringify(result)}`);
  return result.records;
}

describe('opening and migrating', () => {
  it('when the store is migrated twice and reopened then the schema version is 1 and stored records survive', async () => {
    await store.migrate();
    await addRecords(store, [{ email: 'ada@example.com' }], T0);
    await store.close();

    store = openStore(`sqlite:${dbFile}`);
    await store.migrate();
    await store.ping();
    const db = new Database(dbFile, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect((await store.countByStatus()).pending).toBe(1);
  });

  it('when a store is used before migrate() then it refuses with a clear error', async () => {
    const other = openStore(`sqlite:${join(temp.dir, 'other.db')}`);
    await expect(other.pendingGroups()).rejects.toThrow(/before migrate/);
    await other.close();
  });

  it('when the url names an unsupported store then openStore says which schemes work', () => {
    expect(() => openStore('mysql://localhost/relay')).toThrow(/unsupported store "mysql:"/);
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

  it('when a webhook is committed as processed then it is no longer handed out for processing', async () => {
    const [row] = await store.insertWebhooks([{ sourceId: 'zoom', dedupKey: 'k1', receivedAt: T0, body: '{}' }]);
    await store.commitEffects(
      { processed: [{ inboxId: row!.id, outcome: 'records=1' }], contacts: [], sessions: [], sourceEvents: [], records: [] },
      T0,
    );
    expect(await store.unprocessedWebhooks(10)).toEqual([]);
  });
});

describe('recording attendance', () => {
  it('when a record has a target then it is pending, and without one it is unmapped until its event is mapped', async () => {
    await addRecords(
      store,
      [
        { email: 'ada@example.com' },
        { email: 'bob@example.com', targetKey: null, sourceEventId: '777' },
      ],
      T0,
    );
    expect(await store.countByStatus()).toMatchObject({ pending: 1, unmapped: 1 });
    expect(await store.unmappedEvents()).toEqual([{ sourceId: 'zoom', sourceEventId: '777' }]);

    expect(await store.mapRecords('zoom', '777', EVENT_B, T0 + 1)).toBe(1);
    expect(await store.unmappedEvents()).toEqual([]);
    expect(recordsOf(dbFile, 'bob@example.com')[0]).toMatchObject({ status: 'pending', target_key: EVENT_B });
  });

  it('when a newer attend arrives for the same contact then the unsent older attend is superseded', async () => {
    await addRecords(store, [{ email: 'ada@example.com', state: 'attend' }], T0);
    await addRecords(store, [{ email: 'ada@example.com', state: 'attend', occurredAt: T0 + 60_000 }], T0 + 1);
    expect(recordsOf(dbFile, 'ada@example.com').map((r) => r.status)).toEqual(['superseded', 'pending']);
  });

  it('when an attend was already delivered then a newer attend does not touch it', async () => {
    await addRecords(store, [{ email: 'ada@example.com', state: 'attend' }], T0);
    const [record] = claimed(await store.claimBatch({ targetKey: EVENT_A, state: 'attend' }, options()));
    await store.completeDeliveries([{ id: record!.id, kind: 'delivered', vid: 100001 }], T0);
    await addRecords(store, [{ email: 'ada@example.com', state: 'attend', occurredAt: T0 + 60_000 }], T0 + 1);
    expect(recordsOf(dbFile, 'ada@example.com').map((r) => r.status)).toEqual(['delivered', 'pending']);
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
    expect((await store.findSession('zoom', '9001', 'ada@example.com'))?.times).toMatchObject({ firstJoin: T0, lastJoin: T0 });
    expect((await store.openSessionsOfEvent('zoom', '9001')).map((s) => s.email)).toEqual(['ada@example.com']);
    expect(await store.openSessionsJoinedBefore(T0 + 1, 10)).toHaveLength(1);
    expect(await store.findSourceEvent('zoom', '9001')).toEqual({ sourceId: 'zoom', sourceEventId: '9001', startsAt: T0, endsAt: undefined });
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
    expect(groups).toEqual(
      expect.arrayContaining([REGISTER_A, CANCEL_A, { targetKey: EVENT_B, state: 'register' }]),
    );

    const first = claimed(await store.claimBatch(REGISTER_A, options({ batchSize: 3 })));
    expect(first.map((r) => r.email)).toEqual([people[4], people[3], people[2]]);
    expect(first.every((r) => r.targetKey === EVENT_A && r.state === 'register')).toBe(true);
    expect(first[0]?.input).toMatchObject({ email: people[4], interactionDateTime: T0 - 4000 });

    const second = claimed(await store.claimBatch(REGISTER_A, options({ batchSize: 3 })));
    expect(second.map((r) => r.email)).toEqual([people[1], people[0]]);
    expect((await store.countByStatus()).inflight).toBe(5);
    // Batches in flight may still come back for a retry: the group is empty but not drained.
    expect(await store.claimBatch(REGISTER_A, options())).toEqual({ kind: 'empty', nextAt: undefined, drained: false });

    await store.completeDeliveries([...first, ...second].map((r) => ({ id: r.id, kind: 'delivered' as const })), T0);
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
    await addRecords(store, emails(4).map((email) => ({ email })), T0);
    const batch = claimed(await store.claimBatch(REGISTER_A, options({ now: T0, batchWaitMs: 60_000, batchSize: 4 })));
    expect(batch).toHaveLength(4);
  });

  it('when a record waits for its retry then the group is empty but says when the retry is due', async () => {
    await addRecords(store, [{ email: 'ada@example.com' }], T0);
    const [record] = claimed(await store.claimBatch(REGISTER_A, options()));
    await store.completeDeliveries([{ id: record!.id, kind: 'retry', error: 'HTTP 503: down', notBefore: T0 + 5000, countAttempt: true }], T0);

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

    await store.completeDeliveries(batch.map((r) => ({ id: r.id, kind: 'delivered' as const })), T0);
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
    await store.completeDeliveries([{ id: register!.id, kind: 'retry', error: 'HTTP 502', notBefore: T0 + 60_000, countAttempt: true }], T0);
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
  it('when outcomes are recorded then the file holds vid, attempts, next attempt and the last error', async () => {
    await addRecords(store, emails(4).map((email) => ({ email })), T0);
    const [a, b, c, d] = claimed(await store.claimBatch(REGISTER_A, options()));
    await store.completeDeliveries(
      [
        { id: a!.id, kind: 'delivered', vid: 100001 },
        { id: b!.id, kind: 'retry', error: 'HTTP 503: Service Unavailable', notBefore: T0 + 7000, countAttempt: true },
        { id: c!.id, kind: 'retry', error: 'HTTP 429: You have reached your ten_secondly_rolling limit.', notBefore: T0, countAttempt: false },
        { id: d!.id, kind: 'dead', error: 'VALIDATION_ERROR: Invalid email' },
      ],
      T0 + 1,
    );
    const rows = readRecords(dbFile);
    expect(rows.map((r) => [r.status, r.vid, r.attempts, r.last_error])).toEqual([
      ['delivered', 100001, 0, null],
      ['pending', null, 1, 'HTTP 503: Service Unavailable'],
      ['pending', null, 0, 'HTTP 429: You have reached your ten_secondly_rolling limit.'],
      ['dead', null, 1, 'VALIDATION_ERROR: Invalid email'],
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
    expect(readRecords(dbFile)[0]).toMatchObject({ status: 'delivered', vid: 42, last_error: null, attempts: 1 });
  });
});

describe('restart safety', () => {
  it('when records were left in flight by a previous process then releaseInflight makes them pending and claimable again', async () => {
    await addRecords(store, emails(3).map((email) => ({ email })), T0);
    const batch = claimed(await store.claimBatch(REGISTER_A, options()));
    expect(batch).toHaveLength(3);
    await store.close();

    // A new process opens the same file.
    store = openStore(`sqlite:${dbFile}`);
    await store.migrate();
    expect(await store.claimBatch(REGISTER_A, options())).toMatchObject({ kind: 'empty' });
    expect(await store.releaseInflight()).toBe(3);
    expect(readRecords(dbFile).map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
    expect(await store.pendingGroups()).toEqual([REGISTER_A]);
    expect(claimed(await store.claimBatch(REGISTER_A, options())).map((r) => r.id)).toEqual(batch.map((r) => r.id));
    expect(await store.releaseInflight()).toBe(3);
    expect(await store.releaseInflight()).toBe(0);
  });

  it('when releaseInflight runs then delivered and dead records stay as they are', async () => {
    await addRecords(store, emails(2).map((email) => ({ email })), T0);
    const [a, b] = claimed(await store.claimBatch(REGISTER_A, options()));
    await store.completeDeliveries([{ id: a!.id, kind: 'delivered' }, { id: b!.id, kind: 'dead', error: 'x' }], T0);
    expect(await store.releaseInflight()).toBe(0);
    expect(readRecords(dbFile).map((r) => r.status)).toEqual(['delivered', 'dead']);
  });
});

describe('pruning', () => {
  it('when pruning then only delivered and superseded records and processed webhooks older than the cutoff go', async () => {
    const [webhook] = await store.insertWebhooks([{ sourceId: 'zoom', dedupKey: 'k1', receivedAt: T0, body: '{}' }]);
    await store.insertWebhooks([{ sourceId: 'zoom', dedupKey: 'k2', receivedAt: T0, body: '{}' }]);
    await store.commitEffects(
      { processed: [{ inboxId: webhook!.id, outcome: 'ok' }], contacts: [], sessions: [], sourceEvents: [], records: [] },
      T0,
    );
    await addRecords(store, [{ email: 'a@example.com' }, { email: 'b@example.com' }, { email: 'c@example.com' }], T0);
    await addRecords(store, [{ email: 'd@example.com', state: 'attend' }], T0);
    await addRecords(store, [{ email: 'd@example.com', state: 'attend', occurredAt: T0 + 1 }], T0);
    const [a, b] = claimed(await store.claimBatch(REGISTER_A, options({ batchSize: 2 })));
    await store.completeDeliveries([{ id: a!.id, kind: 'delivered' }, { id: b!.id, kind: 'dead', error: 'x' }], T0);

    expect(await store.prune(T0 + 1, T0 + 1)).toEqual({ records: 2, webhooks: 1 });
    expect(readRecords(dbFile).map((r) => [r.email, r.status])).toEqual([
      ['b@example.com', 'dead'],
      ['c@example.com', 'pending'],
      ['d@example.com', 'pending'],
    ]);
    expect(await store.unprocessedWebhooks(10)).toHaveLength(1);
  });
});
