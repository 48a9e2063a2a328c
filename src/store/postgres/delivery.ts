import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { RECORD_STATUSES, type ClaimOptions, type ClaimResult, type DeliveryGroup, type DeliveryOutcome, type RecordStatus } from '../types.js';
import { toDeliveryRecord, type RecordRow } from '../rows.js';
import { inTransaction } from './pool.js';

// Same rule as the SQLite store: a record waits while an earlier one of the same contact
// in the same HubSpot event is pending or in flight. SKIP LOCKED lets replicas claim side by side.
const READY = `
  SELECT r.id, r.source_id, r.source_event_id, r.target_key, r.state, r.email, r.occurred_at, r.input, r.attempts,
         r.created_at, r.received_at
  FROM records r
  WHERE r.target_key = $1 AND r.state = $2 AND r.status = 'pending' AND r.next_attempt_at <= $3
    AND NOT EXISTS (
      SELECT 1 FROM records p
      WHERE p.target_key = r.target_key AND p.email = r.email AND p.status IN ('pending', 'inflight')
        AND (p.occurred_at < r.occurred_at OR (p.occurred_at = r.occurred_at AND p.id < r.id)))
  ORDER BY r.occurred_at, r.id
  LIMIT $4
  FOR UPDATE OF r SKIP LOCKED`;

export async function claimBatch(pool: pg.Pool, group: DeliveryGroup, o: ClaimOptions): Promise<ClaimResult> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<RecordRow>({ name: 'claim-ready', text: READY, values: [group.targetKey, group.state, o.now, o.batchSize] });
    if (rows.length === 0) {
      const due = await client.query<{ next: number | null; inflight: boolean }>(
        `SELECT (SELECT MIN(next_attempt_at) FROM records WHERE target_key = $1 AND state = $2 AND status = 'pending') AS next,
                EXISTS (SELECT 1 FROM records WHERE target_key = $1 AND state = $2 AND status = 'inflight') AS inflight`,
        [group.targetKey, group.state],
      );
      const next = due.rows[0]?.next ?? null;
      return { kind: 'empty', nextAt: next !== null && next > o.now ? next : undefined, drained: next === null && !due.rows[0]?.inflight };
    }
    const isRetry = rows.some((row) => row.attempts > 0);
    const oldest = Math.min(...rows.map((row) => row.created_at));
    if (rows.length < o.batchSize && !isRetry && oldest + o.batchWaitMs > o.now) return { kind: 'waiting', until: oldest + o.batchWaitMs };
    const claimToken = randomUUID();
    await client.query(
      `UPDATE records SET status = 'inflight', lease_until = $2, claim_token = $3, updated_at = $4 WHERE id = ANY($1::bigint[])`,
      [rows.map((r) => r.id), o.now + o.leaseMs, claimToken, o.now],
    );
    return { kind: 'claimed', records: rows.map(toDeliveryRecord), claimToken };
  });
}

// "Still ours": a claim whose lease ran out and was taken again must not overwrite the new claim.
const HELD = `($T::text IS NULL OR (records.claim_token = $T::text AND records.status = 'inflight'))`;

export async function completeDeliveries(pool: pg.Pool, outcomes: DeliveryOutcome[], now: number, claimToken?: string): Promise<void> {
  const token = claimToken ?? null;
  const delivered = outcomes.filter((o) => o.kind === 'delivered');
  const retried = outcomes.filter((o) => o.kind === 'retry');
  const dead = outcomes.filter((o) => o.kind === 'dead');
  await inTransaction(pool, async (client) => {
    if (delivered.length > 0) {
      await client.query(
        `UPDATE records SET status = 'delivered', vid = u.vid, lease_until = NULL, claim_token = NULL, last_error = NULL, updated_at = $3
         FROM unnest($1::bigint[], $2::bigint[]) AS u(id, vid) WHERE records.id = u.id AND ${HELD.replaceAll('$T', '$4')}`,
        [delivered.map((o) => o.id), delivered.map((o) => o.vid ?? null), now, token],
      );
    }
    if (retried.length > 0) {
      await client.query(
        `UPDATE records SET status = 'pending', next_attempt_at = u.not_before, attempts = records.attempts + u.spent, last_error = u.error,
                            lease_until = NULL, claim_token = NULL, updated_at = $5
         FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[]) AS u(id, not_before, spent, error)
         WHERE records.id = u.id AND ${HELD.replaceAll('$T', '$6')}`,
        [retried.map((o) => o.id), retried.map((o) => o.notBefore), retried.map((o) => (o.countAttempt ? 1 : 0)), retried.map((o) => o.error), now, token],
      );
    }
    if (dead.length > 0) {
      await client.query(
        `UPDATE records SET status = 'dead', last_error = u.error, attempts = records.attempts + 1, lease_until = NULL, claim_token = NULL, updated_at = $3
         FROM unnest($1::bigint[], $2::text[]) AS u(id, error) WHERE records.id = u.id AND ${HELD.replaceAll('$T', '$4')}`,
        [dead.map((o) => o.id), dead.map((o) => o.error), now, token],
      );
    }
  });
}

export async function releaseExpiredLeases(pool: pg.Pool, now: number): Promise<number> {
  const result = await pool.query(
    `UPDATE records SET status = 'pending', lease_until = NULL, claim_token = NULL, updated_at = $1 WHERE status = 'inflight' AND lease_until < $1`,
    [now],
  );
  return result.rowCount ?? 0;
}

export async function countByStatus(pool: pg.Pool): Promise<Record<RecordStatus, number>> {
  const counts = Object.fromEntries(RECORD_STATUSES.map((s) => [s, 0])) as Record<RecordStatus, number>;
  const { rows } = await pool.query<{ status: RecordStatus; n: number }>('SELECT status, COUNT(*)::bigint AS n FROM records GROUP BY status');
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

/** Deletes in chunks so a large prune never holds long locks. */
export async function prune(pool: pg.Pool, deliveredBefore: number, webhooksBefore: number): Promise<{ records: number; webhooks: number }> {
  const chunked = async (sql: string, before: number) => {
    let total = 0;
    for (;;) {
      const result = await pool.query(sql, [before]);
      total += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < 10_000) return total;
    }
  };
  return {
    records: await chunked(
      `DELETE FROM records WHERE id IN (SELECT id FROM records WHERE status IN ('delivered', 'superseded') AND updated_at < $1 LIMIT 10000)`,
      deliveredBefore,
    ),
    webhooks: await chunked(`DELETE FROM inbox WHERE id IN (SELECT id FROM inbox WHERE processed_at < $1 LIMIT 10000)`, webhooksBefore),
  };
}
