import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { RECORD_STATUSES, type ClaimOptions, type ClaimResult, type DeliveryGroup, type DeliveryOutcome, type RecordStatus } from '../ports.js';
import { overtakenBy, reassertAfter, reassertedAfter, type RecordPosition } from '../../domain/delivery-order.js';
import { toDeliveryRecord, type RecordRow } from '../rows.js';
import { inTransaction } from './pool.js';

// Same rules as the SQLite store (see ../last-word.ts): a record waits while an earlier one of the
// same contact in the same HubSpot event is pending or in flight, or any of that contact's is in
// flight; `overtaken_by` names the newer state of another kind HubSpot already has, if any.
// SKIP LOCKED lets replicas claim side by side.
const READY = `
  SELECT r.id, r.source_id, r.source_event_id, r.target_key, r.state, r.email, r.occurred_at, r.input, r.attempts,
         r.created_at, r.received_at,
         (SELECT d.state FROM records d
          WHERE d.target_key = r.target_key AND d.email = r.email AND d.status = 'delivered' AND d.occurred_at > r.occurred_at
            AND d.state <> r.state
          ORDER BY d.occurred_at DESC LIMIT 1) AS overtaken_by
  FROM records r
  WHERE r.target_key = $1 AND r.state = $2 AND r.status = 'pending' AND r.next_attempt_at <= $3
    AND NOT EXISTS (
      SELECT 1 FROM records p
      WHERE p.target_key = r.target_key AND p.email = r.email AND p.status IN ('pending', 'inflight')
        AND (p.status = 'inflight' OR p.occurred_at < r.occurred_at OR (p.occurred_at = r.occurred_at AND p.id < r.id)))
  ORDER BY r.occurred_at, r.id
  LIMIT $4
  FOR UPDATE OF r SKIP LOCKED`;

type ReadyRow = RecordRow & { overtaken_by: string | null };

/** The ready records of a group, after superseding those HubSpot already has a newer state for. */
async function readyRows(client: pg.PoolClient, group: DeliveryGroup, o: ClaimOptions): Promise<RecordRow[]> {
  for (;;) {
    const { rows } = await client.query<ReadyRow>({ name: 'claim-ready', text: READY, values: [group.targetKey, group.state, o.now, o.batchSize] });
    const overtaken = rows.filter((row) => row.overtaken_by !== null);
    if (overtaken.length > 0) {
      await client.query(
        `UPDATE records SET status = 'superseded', last_error = u.error, updated_at = $3 FROM unnest($1::bigint[], $2::text[]) AS u(id, error)
         WHERE records.id = u.id`,
        [overtaken.map((row) => row.id), overtaken.map((row) => overtakenBy(row.overtaken_by as string)), o.now],
      );
    }
    const fresh = rows.filter((row) => row.overtaken_by === null);
    if (fresh.length > 0 || overtaken.length === 0) return fresh;
  }
}

export async function claimBatch(pool: pg.Pool, group: DeliveryGroup, o: ClaimOptions): Promise<ClaimResult> {
  return inTransaction(pool, async (client) => {
    const rows = await readyRows(client, group, o);
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

const POSITION = 'id, status, occurred_at AS "occurredAt"';

/** An older record landed at HubSpot after its lease ran out: the contact's newest record is sent again. */
async function reassert(client: pg.PoolClient, lateId: number, now: number): Promise<number> {
  const { rows } = await client.query<RecordPosition & { target_key: string; email: string; state: string }>(
    `SELECT ${POSITION}, target_key, email, state FROM records WHERE id = $1`,
    [lateId],
  );
  const late = rows[0];
  if (!late) return 0;
  // Two lookups, each on its partial index (records_contact, records_delivered_contact).
  const newest = async (statuses: string) =>
    (
      await client.query<RecordPosition>(
        `SELECT ${POSITION} FROM records WHERE target_key = $1 AND email = $2 AND status IN (${statuses})
         ORDER BY occurred_at DESC, id DESC LIMIT 1`,
        [late.target_key, late.email],
      )
    ).rows[0];
  const id = reassertAfter(late, [await newest(`'pending', 'inflight'`), await newest(`'delivered'`)]);
  if (id === undefined) return 0;
  const copied = await client.query(
    `INSERT INTO records (inbox_id, source_id, source_event_id, occurrence, target_key, state, email, occurred_at, input, status,
                          next_attempt_at, last_error, received_at, created_at, updated_at)
     SELECT inbox_id, source_id, source_event_id, occurrence, target_key, state, email, occurred_at, input, 'pending', $2, $3, received_at, $2, $2
     FROM records WHERE id = $1`,
    [id, now, reassertedAfter(late.state)],
  );
  return copied.rowCount ?? 0;
}

export async function completeDeliveries(pool: pg.Pool, outcomes: DeliveryOutcome[], now: number, claimToken?: string): Promise<{ reasserted: number }> {
  const token = claimToken ?? null;
  const delivered = outcomes.filter((o) => o.kind === 'delivered');
  const retried = outcomes.filter((o) => o.kind === 'retry');
  const dead = outcomes.filter((o) => o.kind === 'dead');
  return inTransaction(pool, async (client) => {
    let reasserted = 0;
    if (delivered.length > 0) {
      const applied = await client.query<{ id: number }>(
        `UPDATE records SET status = 'delivered', vid = u.vid, lease_until = NULL, claim_token = NULL, last_error = NULL, updated_at = $3
         FROM unnest($1::bigint[], $2::bigint[]) AS u(id, vid) WHERE records.id = u.id AND ${HELD.replaceAll('$T', '$4')}
         RETURNING records.id`,
        [delivered.map((o) => o.id), delivered.map((o) => o.vid ?? null), now, token],
      );
      if (token !== null && applied.rows.length < delivered.length) {
        const held = new Set(applied.rows.map((r) => r.id));
        for (const late of delivered.filter((o) => !held.has(o.id))) reasserted += await reassert(client, late.id, now);
      }
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
    return { reasserted };
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
