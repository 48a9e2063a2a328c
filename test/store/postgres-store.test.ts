import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import type { ClaimOptions, ClaimResult, DeliveryGroup, DeliveryRecord, SharedDeliveryState, Store } from '../../src/store/ports.js';
import { postgresUrl, queryPg } from '../support/postgres.js';
import { postgresReplicasPerTest } from '../support/postgres-replicas.js';
import { addRecords, emails, EVENT_A } from '../support/records.js';
import { claimedBatch, claimOptions, readRecords } from '../support/stores.js';

/**
 * What only the PostgreSQL store promises: several replicas (here: several Store
 * instances, each with its own pool) on one schema. The behaviour both stores
 * share is in contract.test.ts.
 */

// Warns (and under CI=true throws) when there is no PostgreSQL: this whole file then shows as skipped.
const pgUrl = postgresUrl();

const T0 = Date.parse('2026-05-01T12:00:00Z');
const REGISTER_A: DeliveryGroup = { targetKey: EVENT_A, state: 'register' };
const CANCEL_A: DeliveryGroup = { targetKey: EVENT_A, state: 'cancel' };

function options(overrides: Partial<ClaimOptions> = {}): ClaimOptions {
  return claimOptions(T0, overrides);
}

function recordsIn(result: ClaimResult): DeliveryRecord[] {
  return result.kind === 'claimed' ? result.records : [];
}

function sharedOf(store: Store): SharedDeliveryState {
  if (!store.shared) throw new Error('a PostgreSQL store shares its delivery state');
  return store.shared;
}

/** Fails instead of hanging when `promise` is blocked (e.g. on a row lock it should have skipped). */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(!pgUrl)('PostgreSQL store shared by replicas', () => {
  const db = postgresReplicasPerTest(pgUrl);
  const replica = db.replica;

  const records = () => readRecords('postgres', db.url);

  describe('schema migrations', () => {
    it('when five replicas start at once on an empty schema then all migrate and each version is applied exactly once', async () => {
      const stores = await Promise.all(Array.from({ length: 5 }, () => replica(false)));
      await Promise.all(stores.map((store) => store.migrate()));

      const versions = await queryPg<{ version: number; n: number }>(
        db.url,
        'SELECT version, COUNT(*)::bigint AS n FROM schema_migrations GROUP BY version ORDER BY version',
      );
      expect(versions).toEqual(POSTGRES_MIGRATIONS.map((_, i) => ({ version: i + 1, n: 1 })));
      for (const store of stores) await store.ping();
      await addRecords(stores[0]!, [{ email: 'ada@example.com' }], T0);
      expect((await stores[4]!.countByStatus()).pending).toBe(1);
    });

    it('when replicas start again on a migrated schema then nothing is re-applied and the data stays', async () => {
      const first = await replica();
      await addRecords(first, [{ email: 'ada@example.com' }], T0);
      const before = await queryPg<{ version: number; applied_at: Date }>(
        db.url,
        'SELECT version, applied_at FROM schema_migrations ORDER BY version',
      );

      const later = await Promise.all([replica(false), replica(false), replica(false)]);
      await Promise.all(later.map((store) => store.migrate()));

      expect(await queryPg(db.url, 'SELECT version, applied_at FROM schema_migrations ORDER BY version')).toEqual(before);
      expect((await later[0]!.countByStatus()).pending).toBe(1);
    });
  });

  describe('claiming across replicas', () => {
    it('when two replicas claim the same groups at once, round after round, then no record is claimed twice and no email is ever in flight twice', async () => {
      const [a, b] = [await replica(), await replica()];
      const people = emails(40);
      // Every person registers, cancels, registers again and cancels again, all in one HubSpot event:
      // the register and cancel claims keep racing for the same people.
      await addRecords(
        a,
        people.flatMap((email, p) => [
          { email, state: 'register' as const, occurredAt: T0 + p * 10 + 1 },
          { email, state: 'cancel' as const, occurredAt: T0 + p * 10 + 2 },
          { email, state: 'register' as const, occurredAt: T0 + p * 10 + 3 },
          { email, state: 'cancel' as const, occurredAt: T0 + p * 10 + 4 },
        ]),
        T0,
      );
      const total = people.length * 4;

      const everClaimed = new Set<number>();
      const inFlight = new Map<string, number>();
      const lastClaimedAt = new Map<string, number>();
      let previous: Array<{ store: Store; token: string; records: DeliveryRecord[] }> = [];
      for (let round = 0; round < 200 && everClaimed.size < total; round++) {
        const attempts = [
          { store: a, group: REGISTER_A },
          { store: b, group: REGISTER_A },
          { store: a, group: CANCEL_A },
          { store: b, group: CANCEL_A },
        ];
        const results = await Promise.all(attempts.map(({ store, group }) => store.claimBatch(group, options({ batchSize: 7 }))));
        const batches = results.flatMap((result, i) =>
          result.kind === 'claimed' ? [{ store: attempts[i]!.store, token: result.claimToken, records: result.records }] : [],
        );
        for (const batch of batches) {
          for (const record of batch.records) {
            expect(everClaimed.has(record.id), `record ${record.id} claimed twice`).toBe(false);
            everClaimed.add(record.id);
            expect(inFlight.get(record.email), `${record.email} in flight twice`).toBeUndefined();
            inFlight.set(record.email, record.id);
            // Per-contact order: each person's records go out in the order they happened.
            expect(record.occurredAt).toBeGreaterThan(lastClaimedAt.get(record.email) ?? 0);
            lastClaimedAt.set(record.email, record.occurredAt);
          }
        }
        // The previous round's batches finish only now, so claims always meet batches in flight.
        await Promise.all(
          previous.map(({ store, token, records: done }) =>
            store.completeDeliveries(
              done.map((r) => ({ id: r.id, kind: 'delivered' as const })),
              T0,
              token,
            ),
          ),
        );
        for (const { records: done } of previous) for (const r of done) inFlight.delete(r.email);
        previous = batches;
      }
      await Promise.all(
        previous.map(({ store, token, records: done }) =>
          store.completeDeliveries(
            done.map((r) => ({ id: r.id, kind: 'delivered' as const })),
            T0,
            token,
          ),
        ),
      );

      expect(everClaimed.size).toBe(total);
      expect(await b.countByStatus()).toMatchObject({ delivered: total, pending: 0, inflight: 0 });
    });

    it('when replica A holds a register of x@ in flight then replica B cannot claim the later cancel of x@', async () => {
      const [a, b] = [await replica(), await replica()];
      await addRecords(
        a,
        [
          { email: 'x@example.com', state: 'register', occurredAt: T0 + 1000 },
          { email: 'x@example.com', state: 'cancel', occurredAt: T0 + 2000 },
          { email: 'y@example.com', state: 'cancel', occurredAt: T0 + 3000 },
        ],
        T0,
      );
      const register = claimedBatch(await a.claimBatch(REGISTER_A, options()));
      expect(recordsIn(await b.claimBatch(CANCEL_A, options())).map((r) => r.email)).toEqual(['y@example.com']);
      expect(await b.claimBatch(CANCEL_A, options())).toMatchObject({ kind: 'empty', drained: false });

      // A's attempt fails and waits for a retry: still not B's turn.
      await a.completeDeliveries(
        [{ id: register.records[0]!.id, kind: 'retry', error: 'HTTP 503', notBefore: T0 + 5_000, countAttempt: true }],
        T0,
        register.claimToken,
      );
      expect(await b.claimBatch(CANCEL_A, options({ now: T0 + 1_000 }))).toMatchObject({ kind: 'empty' });

      const retry = claimedBatch(await b.claimBatch(REGISTER_A, options({ now: T0 + 5_000 })));
      await b.completeDeliveries([{ id: retry.records[0]!.id, kind: 'delivered', vid: 9 }], T0 + 5_000, retry.claimToken);
      expect(recordsIn(await a.claimBatch(CANCEL_A, options({ now: T0 + 5_000 }))).map((r) => r.email)).toEqual(['x@example.com']);
    });

    it('when another session holds some pending rows locked then a claim skips them instead of waiting (SKIP LOCKED)', async () => {
      const store = await replica();
      await addRecords(store, [{ email: 'ada@example.com' }, { email: 'bob@example.com' }], T0);
      const locker = new pg.Client({ connectionString: db.url });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query(`SELECT id FROM records WHERE email = 'ada@example.com' FOR UPDATE`);
        const batch = claimedBatch(await within(5_000, 'claimBatch', store.claimBatch(REGISTER_A, options())));
        expect(batch.records.map((r) => r.email)).toEqual(['bob@example.com']);
        await locker.query('ROLLBACK');
      } finally {
        await locker.end();
      }
      expect(recordsIn(await store.claimBatch(REGISTER_A, options())).map((r) => r.email)).toEqual(['ada@example.com']);
    });
  });

  describe('leases across replicas', () => {
    it('when a replica dies mid-batch then its lease runs out and another replica delivers the batch', async () => {
      const [a, b] = [await replica(), await replica()];
      await addRecords(
        a,
        emails(3).map((email) => ({ email })),
        T0,
      );
      const lost = claimedBatch(await a.claimBatch(REGISTER_A, options({ leaseMs: 30_000 })));
      await a.close(); // the replica is gone, its batch still in flight

      expect(await b.releaseExpiredLeases(T0 + 10_000)).toBe(0);
      expect(await b.claimBatch(REGISTER_A, options({ now: T0 + 10_000 }))).toMatchObject({ kind: 'empty', drained: false });
      expect(await b.releaseExpiredLeases(T0 + 30_001)).toBe(3);
      const taken = claimedBatch(await b.claimBatch(REGISTER_A, options({ now: T0 + 30_001 })));
      expect(taken.records.map((r) => r.id)).toEqual(lost.records.map((r) => r.id));
      await b.completeDeliveries(
        taken.records.map((r) => ({ id: r.id, kind: 'delivered' as const, vid: r.id })),
        T0 + 30_002,
        taken.claimToken,
      );
      expect(await b.countByStatus()).toMatchObject({ delivered: 3, inflight: 0, pending: 0 });
    });

    it('when a slow replica lost its lease to another then its late renewal and outcomes change nothing', async () => {
      const [a, b] = [await replica(), await replica()];
      await addRecords(
        a,
        emails(2).map((email) => ({ email })),
        T0,
      );
      const slow = claimedBatch(await a.claimBatch(REGISTER_A, options({ leaseMs: 1_000 })));
      expect(await b.releaseExpiredLeases(T0 + 500)).toBe(0);
      expect(await b.releaseExpiredLeases(T0 + 1_001)).toBe(2);
      const taken = claimedBatch(await b.claimBatch(REGISTER_A, options({ now: T0 + 1_001, leaseMs: 60_000 })));
      expect(taken.claimToken).not.toBe(slow.claimToken);
      const before = await records();

      await a.renewLease(slow.claimToken, T0 + 600_000);
      await a.completeDeliveries(
        [
          { id: slow.records[0]!.id, kind: 'delivered', vid: 1 },
          { id: slow.records[1]!.id, kind: 'dead', error: 'VALIDATION_ERROR' },
        ],
        T0 + 1_500,
        slow.claimToken,
      );
      expect(await records()).toEqual(before);
      expect(before.map((r) => [r.status, r.claim_token, r.lease_until])).toEqual([
        ['inflight', taken.claimToken, T0 + 61_001],
        ['inflight', taken.claimToken, T0 + 61_001],
      ]);

      await b.completeDeliveries(
        taken.records.map((r) => ({ id: r.id, kind: 'delivered' as const, vid: 100 + r.id })),
        T0 + 2_000,
        taken.claimToken,
      );
      expect((await records()).map((r) => [r.status, r.vid])).toEqual(taken.records.map((r) => ['delivered', 100 + r.id]));
    });
  });

  describe('processing rounds', () => {
    it('when one replica is in a processing round then no other round runs anywhere until it ends, and its writes show only when it commits', async () => {
      const [a, b] = [await replica(), await replica()];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let inRound!: () => void;
      const running = new Promise<void>((resolve) => (inRound = resolve));

      const first = a.processExclusively(async (view) => {
        await view.commitEffects(
          {
            processed: [],
            contacts: [{ sourceId: 'zoom', contactKey: 'reg-1', contact: { email: 'ada@example.com' } }],
            sessions: [],
            sourceEvents: [],
            records: [],
          },
          T0,
        );
        inRound();
        await gate;
        return 'a';
      });
      await running;

      const other = vi.fn(async () => 'b');
      expect(await b.processExclusively(other)).toEqual({ ran: false });
      // Another round from the same replica waits its turn as well.
      expect(await a.processExclusively(other)).toEqual({ ran: false });
      expect(other).not.toHaveBeenCalled();
      expect(await b.findContact('zoom', 'reg-1')).toBeUndefined();

      release();
      expect(await first).toEqual({ ran: true, value: 'a' });
      expect(await b.findContact('zoom', 'reg-1')).toEqual({ email: 'ada@example.com' });
      expect(await b.processExclusively(other)).toEqual({ ran: true, value: 'b' });
    });

    it('when a round fails then its writes are rolled back and the next round (on any replica) gets the turn', async () => {
      const [a, b] = [await replica(), await replica()];
      const [webhook] = await a.insertWebhooks([{ sourceId: 'zoom', dedupKey: 'k1', receivedAt: T0, body: '{}' }]);
      await expect(
        a.processExclusively(async (view) => {
          await view.commitEffects(
            { processed: [{ inboxId: webhook!.id, outcome: 'ok' }], contacts: [], sessions: [], sourceEvents: [], records: [] },
            T0,
          );
          throw new Error('interpretation crashed');
        }),
      ).rejects.toThrow('interpretation crashed');

      expect((await b.unprocessedWebhooks(10)).map((w) => w.id)).toEqual([webhook!.id]);
      expect(await b.processExclusively(async (view) => (await view.unprocessedWebhooks(10)).length)).toEqual({ ran: true, value: 1 });
    });
  });

  describe('shared HubSpot rate limit and pauses', () => {
    it('when three replicas ask for send slots at once then together they get exactly the limit and the rest are told how long to wait', async () => {
      const stores = [await replica(), await replica(), await replica()];
      const limit = 5;
      // Longer than the 30 calls can take on a loaded machine: a window that rolls mid-test grants more.
      const windowMs = 60_000;
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => sharedOf(stores[i % 3]!).takeSendSlot(limit, windowMs)));

      expect(answers.filter((a) => a.granted)).toHaveLength(limit);
      for (const answer of answers) {
        if (!answer.granted) {
          expect(answer.retryInMs).toBeGreaterThan(0);
          expect(answer.retryInMs).toBeLessThanOrEqual(windowMs + 1);
        }
      }
      expect(await sharedOf(stores[2]!).sendsInWindow(windowMs)).toBe(limit);
    });

    it('when the window has moved on then slots are granted again', async () => {
      const [a, b] = [await replica(), await replica()];
      expect(await sharedOf(a).takeSendSlot(2, 300)).toMatchObject({ granted: true });
      expect(await sharedOf(b).takeSendSlot(2, 300)).toMatchObject({ granted: true });
      const refused = await sharedOf(a).takeSendSlot(2, 300);
      if (refused.granted) throw new Error('a third slot in the window was granted');
      expect(refused.retryInMs).toBeLessThanOrEqual(301);
      await sleep(refused.retryInMs + 20);
      expect(await sharedOf(b).takeSendSlot(2, 300)).toMatchObject({ granted: true });
    });

    it('when HubSpot reports sends we did not make then they count against the shared window', async () => {
      const [a, b] = [await replica(), await replica()];
      await sharedOf(a).addPhantomSends(0);
      expect(await sharedOf(b).sendsInWindow(10_000)).toBe(0);
      await sharedOf(a).addPhantomSends(3);
      expect(await sharedOf(b).sendsInWindow(10_000)).toBe(3);
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await sharedOf(b).takeSendSlot(5, 10_000));
      expect(answers.map((x) => x.granted)).toEqual([true, true, false, false]);
      expect(await sharedOf(a).sendsInWindow(10_000)).toBe(5);
    });

    it('when one replica sees a 429 then every replica is refused send slots for the rest of the pause, until it is cleared', async () => {
      const [a, b, c] = [await replica(), await replica(), await replica()];
      await sharedOf(a).setPause({ kind: 'rate-limit', remainingMs: 2_000, reason: 'HTTP 429 from HubSpot' });

      const refused = await sharedOf(b).takeSendSlot(5, 1_000);
      if (refused.granted) throw new Error('a slot was granted during a shared 429 pause');
      expect(refused.retryInMs).toBeGreaterThan(1_000);
      expect(refused.retryInMs).toBeLessThanOrEqual(2_000);
      const [pause] = await sharedOf(c).readPauses();
      expect(pause).toMatchObject({ kind: 'rate-limit', reason: 'HTTP 429 from HubSpot' });
      expect(pause?.remainingMs).toBeGreaterThan(1_000);
      expect(pause?.remainingMs).toBeLessThanOrEqual(2_000);

      // A shorter 429 pause never shortens the one in force.
      await sharedOf(c).setPause({ kind: 'rate-limit', remainingMs: 100, reason: 'HTTP 429 again' });
      expect((await sharedOf(a).readPauses())[0]?.remainingMs).toBeGreaterThan(1_000);

      await sharedOf(b).clearPause('rate-limit');
      expect(await sharedOf(c).readPauses()).toEqual([]);
      expect(await sharedOf(a).takeSendSlot(5, 1_000)).toMatchObject({ granted: true });
      expect(await sharedOf(b).sendsInWindow(1_000)).toBe(1);
    });

    it('when one replica records an auth pause then every replica reads it back with its details, until it is cleared', async () => {
      const [a, b] = [await replica(), await replica()];
      const details = { status: 401, category: 'INVALID_AUTHENTICATION', probes: 2, message: "token 'pat-eu1-…' expired" };
      await sharedOf(a).setPause({ kind: 'auth', remainingMs: 30_000, reason: 'HTTP 401 from HubSpot', details });

      const pauses = await sharedOf(b).readPauses();
      expect(pauses).toEqual([{ kind: 'auth', remainingMs: expect.any(Number), reason: 'HTTP 401 from HubSpot', details }]);
      expect(pauses[0]!.remainingMs).toBeGreaterThan(25_000);
      expect(pauses[0]!.remainingMs).toBeLessThanOrEqual(30_000);

      // The next probe is due now: the auth pause is still in force (only remainingMs says "probe now").
      await sharedOf(b).setPause({ kind: 'auth', remainingMs: 0, reason: 'HTTP 403 from HubSpot', details: { status: 403 } });
      expect(await sharedOf(a).readPauses()).toEqual([
        { kind: 'auth', remainingMs: 0, reason: 'HTTP 403 from HubSpot', details: { status: 403 } },
      ]);

      await sharedOf(a).setPause({ kind: 'auth', remainingMs: 5_000, reason: 'HTTP 401 from HubSpot' });
      expect(await sharedOf(b).readPauses()).toEqual([
        { kind: 'auth', remainingMs: expect.any(Number), reason: 'HTTP 401 from HubSpot', details: undefined },
      ]);

      await sharedOf(b).clearPause('auth');
      expect(await sharedOf(a).readPauses()).toEqual([]);
    });
  });
});
