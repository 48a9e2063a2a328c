import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { SubscriberState } from '../../attendance/types.js';
import {
  RECORD_STATUSES,
  type ClaimOptions,
  type ClaimResult,
  type DeliveryGroup,
  type DeliveryOutcome,
  type RecordStatus,
} from '../types.js';
import { toDeliveryRecord, type RecordRow } from '../rows.js';

/** Queries for the dispatcher: claiming batches and recording what HubSpot said. */
export function sqliteDeliveryQueries(db: Database.Database) {
  // A record is ready when no earlier record of the same contact in the same
  // HubSpot event is still undelivered: that keeps each contact's records in
  // the order they happened, and leaves at most one input per email in a batch.
  // The unary + keeps SQLite off records_due here: walking records_ready in
  // (occurred_at, id) order stops after LIMIT rows instead of sorting the whole backlog.
  const ready = db.prepare(
    `SELECT r.id, r.source_id, r.source_event_id, r.target_key, r.state, r.email, r.occurred_at, r.input, r.attempts,
            r.created_at, r.received_at
     FROM records r
     WHERE r.target_key = ? AND r.state = ? AND r.status = 'pending' AND +r.next_attempt_at <= ?
       AND NOT EXISTS (
         SELECT 1 FROM records p
         WHERE p.target_key = r.target_key AND p.email = r.email AND p.status IN ('pending', 'inflight')
           AND (p.occurred_at < r.occurred_at OR (p.occurred_at = r.occurred_at AND p.id < r.id)))
     ORDER BY r.occurred_at, r.id
     LIMIT ?`,
  );
  const nextDue = db.prepare(
    `SELECT MIN(next_attempt_at) AS next FROM records WHERE target_key = ? AND state = ? AND status = 'pending'`,
  );
  const anyInflight = db.prepare(`SELECT 1 AS yes FROM records WHERE target_key = ? AND state = ? AND status = 'inflight' LIMIT 1`);
  const claim = db.prepare(`UPDATE records SET status = 'inflight', lease_until = ?, claim_token = ?, updated_at = ? WHERE id = ?`);
  // "Still ours": a claim whose lease ran out and was taken again must not overwrite the new claim.
  const held = `id = @id AND (@token IS NULL OR (claim_token = @token AND status = 'inflight'))`;
  const delivered = db.prepare(
    `UPDATE records SET status = 'delivered', vid = @vid, lease_until = NULL, claim_token = NULL, last_error = NULL, updated_at = @now WHERE ${held}`,
  );
  const retry = db.prepare(
    `UPDATE records SET status = 'pending', next_attempt_at = @notBefore, attempts = attempts + @count, last_error = @error,
                        lease_until = NULL, claim_token = NULL, updated_at = @now WHERE ${held}`,
  );
  const dead = db.prepare(
    `UPDATE records SET status = 'dead', last_error = @error, attempts = attempts + 1, lease_until = NULL, claim_token = NULL, updated_at = @now
     WHERE ${held}`,
  );

  const claimBatch = db.transaction((group: DeliveryGroup, o: ClaimOptions): ClaimResult => {
    const rows = ready.all(group.targetKey, group.state, o.now, o.batchSize) as RecordRow[];
    if (rows.length === 0) {
      const { next } = nextDue.get(group.targetKey, group.state) as { next: number | null };
      // A group with a batch in flight is not drained: that batch may come back for a retry.
      const drained = next === null && anyInflight.get(group.targetKey, group.state) === undefined;
      return { kind: 'empty', nextAt: next !== null && next > o.now ? next : undefined, drained };
    }
    const isRetry = rows.some((row) => row.attempts > 0);
    const oldest = Math.min(...rows.map((row) => row.created_at));
    if (rows.length < o.batchSize && !isRetry && oldest + o.batchWaitMs > o.now) {
      return { kind: 'waiting', until: oldest + o.batchWaitMs };
    }
    const claimToken = randomUUID();
    for (const row of rows) claim.run(o.now + o.leaseMs, claimToken, o.now, row.id);
    return { kind: 'claimed', records: rows.map(toDeliveryRecord), claimToken };
  });

  const completeDeliveries = db.transaction((outcomes: DeliveryOutcome[], now: number, token: string | null) => {
    for (const o of outcomes) {
      if (o.kind === 'delivered') delivered.run({ id: o.id, token, now, vid: o.vid ?? null });
      else if (o.kind === 'retry') retry.run({ id: o.id, token, now, notBefore: o.notBefore, count: o.countAttempt ? 1 : 0, error: o.error });
      else dead.run({ id: o.id, token, now, error: o.error });
    }
  });

  return {
    // One process owns a SQLite file, so at start-up every claim is a dead process's.
    releaseInflight: () =>
      db.prepare(`UPDATE records SET status = 'pending', lease_until = NULL, claim_token = NULL WHERE status = 'inflight'`).run().changes,
    releaseExpiredLeases: (now: number) =>
      db
        .prepare(`UPDATE records SET status = 'pending', lease_until = NULL, claim_token = NULL, updated_at = @now WHERE status = 'inflight' AND lease_until < @now`)
        .run({ now }).changes,
    renewLease: (claimToken: string, until: number) =>
      void db.prepare(`UPDATE records SET lease_until = ? WHERE claim_token = ? AND status = 'inflight'`).run(until, claimToken),
    pendingGroups: () =>
      (db.prepare(`SELECT DISTINCT target_key, state FROM records WHERE status = 'pending'`).all() as Array<{
        target_key: string;
        state: SubscriberState;
      }>).map((row) => ({ targetKey: row.target_key, state: row.state })),
    claimBatch: (group: DeliveryGroup, options: ClaimOptions) => claimBatch.immediate(group, options),
    completeDeliveries: (outcomes: DeliveryOutcome[], now: number, claimToken?: string) =>
      completeDeliveries.immediate(outcomes, now, claimToken ?? null),
    unmappedEvents: () =>
      db
        .prepare(`SELECT DISTINCT source_id AS sourceId, source_event_id AS sourceEventId FROM records WHERE status = 'unmapped'`)
        .all() as Array<{ sourceId: string; sourceEventId: string }>,
    mapRecords: (sourceId: string, sourceEventId: string, targetKey: string, now: number) =>
      db
        .prepare(
          `UPDATE records SET status = 'pending', target_key = ?, next_attempt_at = ?, updated_at = ?
           WHERE status = 'unmapped' AND source_id = ? AND source_event_id = ?`,
        )
        .run(targetKey, now, now, sourceId, sourceEventId).changes,
    countByStatus(): Record<RecordStatus, number> {
      const counts = Object.fromEntries(RECORD_STATUSES.map((s) => [s, 0])) as Record<RecordStatus, number>;
      const rows = db.prepare('SELECT status, COUNT(*) AS n FROM records GROUP BY status').all() as Array<{ status: RecordStatus; n: number }>;
      for (const row of rows) counts[row.status] = row.n;
      return counts;
    },
    prune: db.transaction((deliveredBefore: number, webhooksBefore: number) => ({
      records: db.prepare(`DELETE FROM records WHERE status IN ('delivered', 'superseded') AND updated_at < ?`).run(deliveredBefore).changes,
      webhooks: db.prepare('DELETE FROM inbox WHERE processed_at IS NOT NULL AND processed_at < ?').run(webhooksBefore).changes,
    })),
  };
}
