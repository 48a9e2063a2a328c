import type { SubscriberState } from '../../domain/facts.js';
import type { Dialect, SqlRunner } from '../dialect.js';
import { RECORD_STATUSES, type DeliveryGroup, type RecordStatus } from '../ports.js';
import { UNCONFIGURED_OUTCOME } from '../rows.js';

/** The fence before every HubSpot try: one indexed statement (records_claim). $1 token, $2 lease end. */
export const RENEW_LEASE_SQL = `UPDATE records SET lease_until = $2 WHERE claim_token = $1 AND status = 'inflight'`;

/**
 * What HubSpot's answer does to a claimed record (the SET clause of its UPDATE), from SQL
 * expressions for the values: each store feeds them from one row's parameters or from arrays.
 */
export const SETTLE = {
  delivered: (vid: string, now: string) =>
    `status = 'delivered', vid = ${vid}, lease_until = NULL, claim_token = NULL, last_error = NULL, updated_at = ${now}`,
  retry: (notBefore: string, spent: string, error: string, now: string) =>
    `status = 'pending', next_attempt_at = ${notBefore}, attempts = records.attempts + ${spent}, last_error = ${error},
     lease_until = NULL, claim_token = NULL, updated_at = ${now}`,
  dead: (error: string, now: string) =>
    `status = 'dead', last_error = ${error}, attempts = records.attempts + 1, lease_until = NULL, claim_token = NULL, updated_at = ${now}`,
};

/**
 * "Still ours": a claim whose lease ran out and was taken again must not overwrite the new claim.
 * Without a token (null) the answer applies as it is.
 */
export const stillHeld = (d: Dialect, token: string) =>
  `(${d.typed(token, 'text')} IS NULL OR (records.claim_token = ${d.typed(token, 'text')} AND records.status = 'inflight'))`;

/** Reassertion (domain/delivery-order.ts): the late record, a contact's newest records, and the copy sent again. */
export const REASSERT_SQL = {
  /** $1 id */
  late: `SELECT id, status, occurred_at AS "occurredAt", target_key AS "targetKey", email, state FROM records WHERE id = $1`,
  /** $1 target key, $2 email; one lookup per status set, each on its partial index (records_contact, records_delivered_contact). */
  newest: (statuses: string) =>
    `SELECT id, status, occurred_at AS "occurredAt" FROM records WHERE target_key = $1 AND email = $2 AND status IN (${statuses})
     ORDER BY occurred_at DESC, id DESC LIMIT 1`,
  /** $1 id, $2 now, $3 error */
  copyAsPending: `INSERT INTO records (inbox_id, source_id, source_event_id, occurrence, target_key, state, email, occurred_at, input, status,
                          next_attempt_at, last_error, received_at, created_at, updated_at)
     SELECT inbox_id, source_id, source_event_id, occurrence, target_key, state, email, occurred_at, input, 'pending', $2, $3, received_at, $2, $2
     FROM records WHERE id = $1`,
};

/** The delivery queue's single statements, the same for both stores. */
export function deliveryStatements(db: SqlRunner) {
  return {
    releaseExpiredLeases: (now: number) =>
      db.changes(
        `UPDATE records SET status = 'pending', lease_until = NULL, claim_token = NULL, updated_at = $1 WHERE status = 'inflight' AND lease_until < $1`,
        [now],
      ),
    async pendingGroups(): Promise<DeliveryGroup[]> {
      const rows = await db.rows<{ target_key: string; state: SubscriberState }>(
        `SELECT DISTINCT target_key, state FROM records WHERE status = 'pending'`,
      );
      return rows.map((row) => ({ targetKey: row.target_key, state: row.state }));
    },
    unmappedEvents: () =>
      db.rows<{ sourceId: string; sourceEventId: string }>(
        `SELECT DISTINCT source_id AS "sourceId", source_event_id AS "sourceEventId" FROM records WHERE status = 'unmapped'`,
      ),
    mapRecords: (sourceId: string, sourceEventId: string, targetKey: string, now: number) =>
      db.changes(
        `UPDATE records SET status = 'pending', target_key = $1, next_attempt_at = $2, updated_at = $2
         WHERE status = 'unmapped' AND source_id = $3 AND source_event_id = $4`,
        [targetKey, now, sourceId, sourceEventId],
      ),
    async countByStatus(): Promise<Record<RecordStatus, number>> {
      const counts = Object.fromEntries(RECORD_STATUSES.map((s) => [s, 0])) as Record<RecordStatus, number>;
      const rows = await db.rows<{ status: RecordStatus; n: number }>('SELECT status, COUNT(*) AS n FROM records GROUP BY status');
      for (const row of rows) counts[row.status] = row.n;
      return counts;
    },
    reopenUnconfiguredWebhooks: () => db.changes(`UPDATE inbox SET processed_at = NULL, outcome = NULL WHERE ${UNCONFIGURED_OUTCOME}`),
  };
}
