import type Database from 'better-sqlite3';
import { toWebhookStatus, WEBHOOK_STATUS_SQL, type WebhookDbRow, type WebhookRecordDbRow } from '../rows.js';
import type { DetailsQueue, InboxRow, WebhookStatus } from '../ports.js';

/** The background fetch of thin notices' details, and what became of a webhook. */
export function sqliteDetailsQueries(db: Database.Database) {
  // The sources as a JSON array (null: every source).
  const due = db.prepare(
    `SELECT id, source_id AS sourceId, received_at AS receivedAt, body, details_attempts AS detailsAttempts
     FROM inbox WHERE details_status = 'pending' AND details_next_at <= ?
       AND (? IS NULL OR source_id IN (SELECT value FROM json_each(?))) ORDER BY id LIMIT ?`,
  );
  const lease = db.prepare('UPDATE inbox SET details_next_at = ? WHERE id = ?');
  const claim = db.transaction((now: number, limit: number, leaseMs: number, sources?: readonly string[]): InboxRow[] => {
    const only = sources ? JSON.stringify(sources) : null;
    const rows = due.all(now, only, only, limit) as InboxRow[];
    for (const row of rows) lease.run(now + leaseMs, row.id);
    return rows;
  });
  const webhook = db.prepare(`${WEBHOOK_STATUS_SQL.webhook}?`);
  const records = db.prepare(`${WEBHOOK_STATUS_SQL.records}? ORDER BY id`);

  const save = db.prepare(`UPDATE inbox SET details_status = 'ready', details = ?, details_error = NULL WHERE id = ?`);
  const retry = db.prepare('UPDATE inbox SET details_attempts = details_attempts + ?, details_next_at = ?, details_error = ? WHERE id = ?');
  const fail = db.prepare(`UPDATE inbox SET details_status = 'dead', details_attempts = details_attempts + 1, details_error = ? WHERE id = ?`);

  const queue: DetailsQueue = {
    claimWebhooksNeedingDetails: async (now, limit, leaseMs, sources) => claim.immediate(now, limit, leaseMs, sources),
    saveDetails: async (id, details) => void save.run(details, id),
    retryDetails: async (id, notBefore, error, countAttempt = true) => void retry.run(countAttempt ? 1 : 0, notBefore, error, id),
    failDetails: async (id, error) => void fail.run(error, id),
  };
  return {
    ...queue,
    webhookStatus(id: number): WebhookStatus | undefined {
      const row = webhook.get(id) as WebhookDbRow | undefined;
      return row ? toWebhookStatus(row, records.all(id) as WebhookRecordDbRow[]) : undefined;
    },
  };
}
