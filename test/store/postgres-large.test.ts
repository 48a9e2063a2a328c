import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import type { ClaimOptions, DeliveryGroup, DeliveryRecord } from '../../src/store/ports.js';
import { postgresUrl, queryPg } from '../support/postgres.js';
import { postgresReplicasPerTest } from '../support/postgres-replicas.js';
import { addRecords, emails, EVENT_A } from '../support/records.js';
import { claimedBatch, claimOptions } from '../support/stores.js';

/**
 * The PostgreSQL store at scale: a million delivered rows, the query plans of the delivery path and
 * chunked retention. In the slow tier (`npm run test:reliability`): filling the table takes most of
 * its time.
 */

// Warns (and under CI=true throws) when there is no PostgreSQL: this whole file then shows as skipped.
const pgUrl = postgresUrl();

const T0 = Date.parse('2026-05-01T12:00:00Z');
const REGISTER_A: DeliveryGroup = { targetKey: EVENT_A, state: 'register' };
const CANCEL_A: DeliveryGroup = { targetKey: EVENT_A, state: 'cancel' };

function options(overrides: Partial<ClaimOptions> = {}): ClaimOptions {
  return claimOptions(T0, overrides);
}

describe.skipIf(!pgUrl)('PostgreSQL store at scale', () => {
  const db = postgresReplicasPerTest(pgUrl);
  const replica = db.replica;

  describe('with a million delivered rows', () => {
    it('when a small group is pending among a million delivered rows then no delivery query scans the whole records table, and prune removes the old rows in chunks', async () => {
      const store = await replica();
      const OLD = T0 - 90 * 86_400_000;
      // Delivered long ago, in the same HubSpot event and state as the pending group: the worst case for the indexes.
      await queryPg(
        db.url,
        `INSERT INTO records (source_id, source_event_id, target_key, state, email, occurred_at, input, status, attempts,
                              next_attempt_at, vid, received_at, created_at, updated_at)
         SELECT 'zoom', '9001', $1, 'register', 'old' || g || '@example.com', t, '{}', 'delivered', 0, t, g, t, t, t
         FROM generate_series(1, 1000000) AS g, LATERAL (SELECT $2::bigint + g AS t) AS at`,
        [EVENT_A, OLD],
      );
      await addRecords(store, [...emails(5).map((email) => ({ email })), { email: 'recent@example.com', state: 'cancel' as const }], T0);
      const recent = claimedBatch(await store.claimBatch(CANCEL_A, options()));
      await store.completeDeliveries([{ id: recent.records[0]!.id, kind: 'delivered' }], T0, recent.claimToken);
      // Autovacuum would do this in production; a test cannot wait for it.
      await queryPg(db.url, 'ANALYZE records');

      // Capture what the store sends on the delivery path.
      const clientQuery = vi.spyOn(pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }, 'query');
      let captured: Array<{ text: string; values: unknown[] }>;
      let batch: { records: DeliveryRecord[]; claimToken: string };
      try {
        expect(await store.pendingGroups()).toEqual([REGISTER_A]);
        batch = claimedBatch(await store.claimBatch(REGISTER_A, options({ batchSize: 10 })));
        expect(await store.claimBatch(REGISTER_A, options({ batchSize: 10 }))).toEqual({
          kind: 'empty',
          nextAt: undefined,
          drained: false,
        });
        await store.renewLease(batch.claimToken, T0 + 120_000);
        expect(await store.releaseExpiredLeases(T0 + 1)).toBe(0);
        await store.completeDeliveries(
          batch.records.map((r) => ({ id: r.id, kind: 'delivered' as const, vid: r.id })),
          T0 + 1,
          batch.claimToken,
        );
        captured = clientQuery.mock.calls.map(statementOf).filter((s) => !/^\s*(BEGIN|COMMIT|ROLLBACK)\b/i.test(s.text));
      } finally {
        clientQuery.mockRestore();
      }
      expect(batch.records.map((r) => r.email)).toEqual(emails(5));
      expect(captured.some((s) => /FOR UPDATE OF r SKIP LOCKED/.test(s.text))).toBe(true);
      expect(captured.length).toBeGreaterThanOrEqual(7);

      for (const statement of captured) {
        for (const [mode, plan] of Object.entries(await explain(db.url, statement))) {
          expect(plan, `${mode} plan of:\n${statement.text}\n\n${plan}`).not.toMatch(/Seq Scan on records/);
        }
      }

      // Retention: everything delivered before the cutoff goes, a chunk per statement; the recent and the undelivered stay.
      const poolQuery = spyRowCounts(pg.Pool.prototype as unknown as { query: (...args: unknown[]) => unknown });
      let pruned: { records: number; webhooks: number };
      try {
        pruned = await store.prune(T0 - 86_400_000, T0 - 86_400_000);
      } finally {
        poolQuery.restore();
      }
      expect(pruned).toEqual({ records: 1_000_000, webhooks: 0 });
      const deletes = poolQuery.results.filter((r) => /^\s*DELETE FROM records/i.test(r.text));
      expect(deletes.length).toBeGreaterThan(10);
      expect(Math.max(...deletes.map((d) => d.rowCount))).toBeLessThanOrEqual(100_000);
      expect(deletes.reduce((sum, d) => sum + d.rowCount, 0)).toBe(1_000_000);
      expect(await store.countByStatus()).toMatchObject({ delivered: 6, pending: 0, inflight: 0 });
    }, 60_000);
  });
});

function statementOf(args: unknown[]): { text: string; values: unknown[] } {
  const [first, second] = args;
  if (typeof first === 'string') return { text: first, values: Array.isArray(second) ? second : [] };
  const config = first as { text: string; values?: unknown[] };
  return { text: config.text, values: config.values ?? [] };
}

/** The plan PostgreSQL picks with these values (custom) and for any values (generic, as a reused prepared statement may get). */
async function explain(url: string, statement: { text: string; values: unknown[] }): Promise<{ custom: string; generic: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const literal = (value: unknown): string => {
      if (value === null || value === undefined) return 'NULL';
      if (Array.isArray(value)) return client.escapeLiteral(`{${value.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`);
      return client.escapeLiteral(String(value));
    };
    await client.query(`PREPARE under_test AS ${statement.text}`);
    const execute = statement.values.length > 0 ? `EXECUTE under_test(${statement.values.map(literal).join(', ')})` : 'EXECUTE under_test';
    const plan = async () =>
      (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${execute}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    await client.query('SET plan_cache_mode = force_custom_plan');
    const custom = await plan();
    await client.query('SET plan_cache_mode = force_generic_plan');
    const generic = await plan();
    return { custom, generic };
  } finally {
    await client.end();
  }
}

/** Wraps `target.query` (promise style) to note each statement's text and row count. */
function spyRowCounts(target: { query: (...args: unknown[]) => unknown }) {
  const results: Array<{ text: string; rowCount: number }> = [];
  const original = target.query;
  const spy = vi.spyOn(target, 'query').mockImplementation(function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    if (result instanceof Promise) {
      void result.then(
        (r: { rowCount?: number | null }) => results.push({ text: statementOf(args).text, rowCount: r?.rowCount ?? 0 }),
        () => undefined,
      );
    }
    return result;
  });
  return { results, restore: () => spy.mockRestore() };
}
