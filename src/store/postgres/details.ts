import type pg from 'pg';
import type { DetailsQueue, InboxRow, RecordStatus, WebhookStatus } from '../types.js';

/** The background fetch of thin notices' details (claimed with a lease, SKIP LOCKED), and a webhook's outcome. */
export function postgresDetailsQueries(pool: pg.Pool): DetailsQueue & { webhookStatus(id: number): Promise<WebhookStatus | undefined> } {
  return {
    async claimWebhooksNeedingDetails(now, limit, leaseMs) {
      const { rows } = await pool.query<InboxRow>(
        `UPDATE inbox SET details_next_at = $3
         WHERE id IN (SELECT id FROM inbox WHERE details_status = 'pending' AND details_next_at <= $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, source_id AS "sourceId", received_at AS "receivedAt", body, details_attempts AS "detailsAttempts"`,
        [now, limit, now + leaseMs],
      );
      return rows.sort((a, b) => a.id - b.id);
    },
    saveDetails: async (id, details) =>
      void (await pool.query(`UPDATE inbox SET details_status = 'ready', details = $2, details_error = NULL WHERE id = $1`, [id, details])),
    retryDetails: async (id, notBefore, error, countAttempt = true) =>
      void (await pool.query('UPDATE inbox SET details_attempts = details_attempts + $4, details_next_at = $2, details_error = $3 WHERE id = $1', [id, notBefore, error, countAttempt ? 1 : 0])),
    failDetails: async (id, error) =>
      void (await pool.query(`UPDATE inbox SET details_status = 'dead', details_attempts = details_attempts + 1, details_error = $2 WHERE id = $1`, [id, error])),
    async webhookStatus(id) {
      const webhook = await pool.query<{ id: number; source_id: string; received_at: number; processed_at: number | null; outcome: string | null }>('SELECT id, source_id, received_at, processed_at, outcome FROM inbox WHERE id = $1', [id]);
      const row = webhook.rows[0];
      if (!row) return undefined;
      const records = await pool.query<{ id: number; email: string; state: string; status: RecordStatus; vid: number | null; last_error: string | null; updated_at: number }>(
        'SELECT id, email, state, status, vid, last_error, updated_at FROM records WHERE inbox_id = $1 ORDER BY id',
        [id],
      );
      return {
        id: row.id,
        sourceId: row.source_id,
        receivedAt: row.received_at,
        processedAt: row.processed_at ?? undefined,
        outcome: row.outcome ?? undefined,
        records: records.rows.map((r) => ({ id: r.id, email: r.email, state: r.state, status: r.status, vid: r.vid ?? undefined, lastError: r.last_error ?? undefined, updatedAt: r.updated_at })),
      };
    },
  };
}
