import type pg from 'pg';
import { toWebhookStatus, WEBHOOK_STATUS_SQL, type WebhookDbRow, type WebhookRecordDbRow } from '../rows.js';
import type { DetailsQueue, InboxRow, WebhookStatus } from '../ports.js';

/** The background fetch of thin notices' details (claimed with a lease, SKIP LOCKED), and a webhook's outcome. */
export function postgresDetailsQueries(pool: pg.Pool): DetailsQueue & { webhookStatus(id: number): Promise<WebhookStatus | undefined> } {
  return {
    async claimWebhooksNeedingDetails(now, limit, leaseMs, sources) {
      const { rows } = await pool.query<InboxRow>(
        `UPDATE inbox SET details_next_at = $3
         WHERE id IN (SELECT id FROM inbox WHERE details_status = 'pending' AND details_next_at <= $1
                        AND ($4::text[] IS NULL OR source_id = ANY($4::text[]))
                      ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, source_id AS "sourceId", received_at AS "receivedAt", body, details_attempts AS "detailsAttempts"`,
        [now, limit, now + leaseMs, sources ?? null],
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
      const webhook = await pool.query<WebhookDbRow>(`${WEBHOOK_STATUS_SQL.webhook}$1`, [id]);
      const row = webhook.rows[0];
      if (!row) return undefined;
      const records = await pool.query<WebhookRecordDbRow>(`${WEBHOOK_STATUS_SQL.records}$1 ORDER BY id`, [id]);
      return toWebhookStatus(row, records.rows);
    },
  };
}
